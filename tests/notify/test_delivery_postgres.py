"""Several runners on PostgreSQL never send the same message twice (FOR UPDATE SKIP LOCKED).

SQLite ignores row locks (one machine, one runner), so these tests run only on PostgreSQL,
that is when TEST_DATABASE_URL is set, as it is in CI.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db
from portal.notify import delivery
from portal.notify.delivery import DeliveryReport, deliver_due
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_email
from tests.conftest import TEST_DATABASE_URL, require

# Other connections and threads must see what the test commits.
pytestmark = pytest.mark.usefixtures("real_commits", "email_templates")


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: the behaviour under test is its row locking."""
    require(bool(TEST_DATABASE_URL), "row locking needs PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


class RecordingBackend:
    """Takes a little time per message and records every send, from any thread."""

    def __init__(self, seconds: float = 0.02) -> None:
        self.seconds = seconds
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        time.sleep(self.seconds)
        with self._lock:
            self.sent.append(message.to_email)


def _queue(count: int) -> list[int]:
    messages = [
        queue_email(f"m{i}@acme.example", "notify_test", "Hi", name="Pat", note="n", url="u")
        for i in range(count)
    ]
    db.session.commit()
    return [m.id for m in messages]


def test_a_row_locked_by_another_runner_is_skipped(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = RecordingBackend(seconds=0)
    monkeypatch.setattr(delivery, "backend_from_config", lambda config, logger: recorder)
    first, second = _queue(2)

    with db.engine.connect() as other_runner:
        transaction = other_runner.begin()
        other_runner.execute(
            sa.select(OutboxMessage.id).where(OutboxMessage.id == first).with_for_update()
        ).one()
        report = deliver_due()
        transaction.rollback()

    assert (report.sent, report.pending) == (1, 1)
    assert recorder.sent == ["m1@acme.example"]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, first).status == OutboxStatus.PENDING  # type: ignore[union-attr]
    assert db.session.get(OutboxMessage, second).status == OutboxStatus.SENT  # type: ignore[union-attr]


def test_concurrent_runners_send_each_message_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = RecordingBackend()
    monkeypatch.setattr(delivery, "backend_from_config", lambda config, logger: recorder)
    _queue(20)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def runner() -> None:
        with app.app_context():
            try:
                reports.append(deliver_due())
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(recorder.sent) == sorted(f"m{i}@acme.example" for i in range(20))
    assert sum(r.sent for r in reports) == 20
    db.session.expire_all()
    sent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENT)
    )
    assert sent == 20
