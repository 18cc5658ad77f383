"""deliver_due through each backend: sent, retried with back-off, dead, never lost."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.db_types import utcnow
from portal.extensions import db
from portal.notify import delivery
from portal.notify.backends import MailConfigError
from portal.notify.delivery import deliver_due, requeue_dead, status_counts
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_email
from tests.notify.conftest import MAX_ATTEMPTS, SENDER_ADDRESS, MotoSes, SmtpServer

pytestmark = pytest.mark.usefixtures("email_templates")


def backend(kind: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("mail_settings", [kind], indirect=True)


def queue(to: str = "pat@acme.example", subject: str = "Your note", **context: str) -> int:
    """Queue one test e-mail and commit it, as a view would; returns its id."""
    context = {"name": "Pat <b>", "note": "hi", "url": "http://portal.test/x", **context}
    message = queue_email(to, "notify_test", subject, **context)
    db.session.commit()
    return message.id


def reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    return message


@backend("log")
def test_log_backend_marks_sent(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    message_id = queue()

    with caplog.at_level(logging.INFO):
        report = deliver_due()

    assert report.summary() == "sent 1, failed 0, dead 0, pending 0"
    message = reload(message_id)
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.last_error is None
    assert "to=pat@acme.example" in caplog.text


@backend("smtp")
def test_smtp_delivers_to_a_real_server(app: Flask, smtp_server: SmtpServer) -> None:
    message_id = queue(to="olga@globex.example", subject="Welcome, Olga")

    report = deliver_due()

    assert (report.sent, report.failed) == (1, 0)
    assert reload(message_id).status == OutboxStatus.SENT
    [mail] = smtp_server.received
    assert mail.mail_from == SENDER_ADDRESS
    assert mail.rcpt_tos == ["olga@globex.example"]
    assert mail.message["To"] == "olga@globex.example"
    assert mail.message["Subject"] == "Welcome, Olga"
    assert mail.message["From"] == app.config["MAIL_FROM"]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "Hello Pat <b>," in text
    assert "Hello Pat &lt;b&gt;" in html


@backend("smtp-refused")
def test_refused_smtp_keeps_the_message_pending_for_a_retry(app: Flask) -> None:
    message_id = queue()
    before = utcnow()

    report = deliver_due()

    assert report.summary() == "sent 0, failed 1, dead 0, pending 1"
    message = reload(message_id)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error is not None
    assert message.last_error.startswith("ConnectionRefusedError:")
    assert message.next_attempt_at >= before + timedelta(seconds=60)
    assert message.sent_at is None


@backend("smtp-refused")
def test_repeated_failure_ends_dead_and_kept(app: Flask) -> None:
    message_id = queue()
    clock = utcnow()
    reports = []
    for _ in range(MAX_ATTEMPTS):
        reports.append(deliver_due(now=clock))
        clock += timedelta(hours=7)  # past the longest back-off

    assert [r.summary() for r in reports] == [
        "sent 0, failed 1, dead 0, pending 1",
        "sent 0, failed 1, dead 0, pending 1",
        "sent 0, failed 0, dead 1, pending 0",
    ]
    message = reload(message_id)
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == MAX_ATTEMPTS
    assert message.last_error is not None
    assert "ConnectionRefusedError" in message.last_error
    assert deliver_due(now=clock + timedelta(days=1)).processed == 0


@backend("smtp-refused")
def test_a_failed_message_is_not_retried_before_its_time(app: Flask) -> None:
    queue()
    clock = utcnow()
    deliver_due(now=clock)

    assert deliver_due(now=clock + timedelta(seconds=30)).processed == 0
    assert deliver_due(now=clock + timedelta(minutes=2)).failed == 1


@backend("ses")
def test_ses_delivers_over_http_to_moto(app: Flask, ses_server: MotoSes) -> None:
    message_id = queue(to="ses@acme.example", subject="SES delivery test")

    report = deliver_due()

    assert report.summary() == "sent 1, failed 0, dead 0, pending 0"
    assert reload(message_id).status == OutboxStatus.SENT
    [sent] = [m for m in ses_server.sent_messages() if m["subject"] == "SES delivery test"]
    assert sent["destinations"]["ToAddresses"] == ["ses@acme.example"]
    assert "Hello Pat &lt;b&gt;" in sent["body"]


@backend("ses-unreachable")
def test_unreachable_ses_keeps_the_message_pending(app: Flask) -> None:
    message_id = queue()

    report = deliver_due()

    assert (report.failed, report.pending) == (1, 1)
    message = reload(message_id)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error is not None
    assert message.last_error.startswith("EndpointConnectionError:")
    assert message.next_attempt_at > utcnow()


class FlakyBackend:
    """Fails for one recipient, succeeds for the rest."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: OutboxMessage) -> None:
        if message.to_email == "broken@acme.example":
            raise RuntimeError("mailbox unavailable " + "x" * 5000)
        self.sent.append(message.to_email)


def test_one_failure_does_not_lose_the_others(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    flaky = FlakyBackend()
    monkeypatch.setattr(delivery, "backend_from_config", lambda config, logger: flaky)
    first = queue(to="a@acme.example")
    broken = queue(to="broken@acme.example")
    last = queue(to="c@acme.example")

    report = deliver_due()

    assert report.summary() == "sent 2, failed 1, dead 0, pending 1"
    assert flaky.sent == ["a@acme.example", "c@acme.example"]
    assert reload(first).status == reload(last).status == OutboxStatus.SENT
    failed = reload(broken)
    assert failed.status == OutboxStatus.PENDING
    assert failed.last_error is not None
    assert failed.last_error.startswith("RuntimeError: mailbox unavailable")
    assert len(failed.last_error) == delivery.ERROR_MAX_CHARS


def test_batch_size_and_order(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    flaky = FlakyBackend()
    monkeypatch.setattr(delivery, "backend_from_config", lambda config, logger: flaky)
    ids = [queue(to=f"m{i}@acme.example") for i in range(3)]
    later = reload(ids[0])
    later.next_attempt_at = utcnow() + timedelta(hours=1)
    db.session.commit()

    report = deliver_due(batch_size=1)

    assert report.summary() == "sent 1, failed 0, dead 0, pending 2"
    assert flaky.sent == ["m1@acme.example"]
    assert deliver_due().sent == 1
    assert flaky.sent == ["m1@acme.example", "m2@acme.example"]
    assert reload(ids[0]).status == OutboxStatus.PENDING


@backend("unknown")
def test_unknown_backend_fails_before_touching_messages(app: Flask) -> None:
    message_id = queue()

    with pytest.raises(MailConfigError, match="MAIL_BACKEND"):
        deliver_due()

    message = reload(message_id)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.PENDING, 0, None)


@backend("smtp-refused")
def test_status_counts_and_requeue_dead(app: Flask) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    dead_id = queue()
    deliver_due()
    queue()

    assert status_counts() == {"pending": 1, "sent": 0, "dead": 1, "due": 1}
    assert requeue_dead([dead_id + 100]) == 0
    assert requeue_dead() == 1
    db.session.commit()

    message = reload(dead_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.last_error is not None  # the history stays until the next attempt
    assert status_counts()["pending"] == 2


def test_delivered_rows_are_committed(app: Flask) -> None:
    queue()
    deliver_due()
    db.session.rollback()

    sent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENT)
    )
    assert sent == 1
