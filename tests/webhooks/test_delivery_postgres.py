"""Two `flask webhooks deliver` workers on PostgreSQL at once: each delivery is sent once.

SQLite ignores row locks (one machine, one worker), so these run only with TEST_DATABASE_URL.
The receiver is the example receiver on 127.0.0.1; it verifies every signature.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db
from portal.webhooks.delivery import DeliveryReport, deliver_due
from portal.webhooks.models import DeliveryStatus, WebhookDelivery
from portal.webhooks.recording import record_event
from tests.conftest import TEST_DATABASE_URL, require
from tests.webhooks.conftest import register

pytestmark = pytest.mark.usefixtures("real_commits")


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: the behaviour under test is its row locking."""
    require(bool(TEST_DATABASE_URL), "row locking needs PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


def test_two_workers_deliver_each_message_once(app: Flask, admin, verifying_receiver) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)
    created.endpoint.url = receiver.url
    db.session.commit()
    for number in range(30):
        record_event("referral.submitted", {"referral": {"reference": f"R-{number:06d}"}})
    db.session.commit()
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                reports.append(deliver_due(batch_size=100))
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    ids = Counter(headers["webhook-id"] for headers in receiver.headers)
    assert len(ids) == 30 and set(ids.values()) == {1}
    assert sum(report.delivered for report in reports) == 30
    db.session.expire_all()
    delivered = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.DELIVERED)
    )
    assert delivered == 30


def test_a_delivery_locked_by_another_worker_is_skipped(
    app: Flask, admin, verifying_receiver
) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)
    created.endpoint.url = receiver.url
    db.session.commit()
    record_event("referral.submitted", {"n": 1})
    record_event("referral.submitted", {"n": 2})
    db.session.commit()
    first, second = db.session.scalars(
        sa.select(WebhookDelivery.id).order_by(WebhookDelivery.id)
    ).all()

    with db.engine.connect() as other_worker:
        transaction = other_worker.begin()
        other_worker.execute(
            sa.select(WebhookDelivery.id).where(WebhookDelivery.id == first).with_for_update()
        ).one()
        report = deliver_due()
        transaction.rollback()

    assert report.delivered == 1
    assert [event["data"] for event in receiver.events] == [{"n": 2}]
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, first).status == DeliveryStatus.PENDING  # type: ignore[union-attr]
    assert db.session.get(WebhookDelivery, second).status == DeliveryStatus.DELIVERED  # type: ignore[union-attr]
