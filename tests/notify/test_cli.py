"""`flask outbox run|status|requeue` through the CLI runner."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from portal.extensions import db
from portal.notify import cli
from portal.notify.delivery import DeliveryReport
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_email

pytestmark = pytest.mark.usefixtures("email_templates")


def backend(kind: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("mail_settings", [kind], indirect=True)


def queue(count: int = 1) -> list[int]:
    messages = [
        queue_email(f"p{i}@acme.example", "notify_test", "Hi", name="Pat", note="n", url="u")
        for i in range(count)
    ]
    db.session.commit()
    return [m.id for m in messages]


@backend("log")
def test_run_once_prints_the_summary(app: Flask, runner: FlaskCliRunner) -> None:
    queue(3)

    result = runner.invoke(args=["outbox", "run", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 3, failed 0, dead 0, pending 0"


@backend("log")
def test_run_once_respects_batch_size(app: Flask, runner: FlaskCliRunner) -> None:
    queue(3)

    result = runner.invoke(args=["outbox", "run", "--once", "--batch-size", "2"])

    assert result.output.strip() == "sent 2, failed 0, dead 0, pending 1"


@backend("smtp-refused")
def test_run_once_with_the_mail_server_down(app: Flask, runner: FlaskCliRunner) -> None:
    queue(2)

    result = runner.invoke(args=["outbox", "run", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 0, failed 2, dead 0, pending 2"


@backend("unknown")
def test_run_with_an_unknown_backend_explains_the_setting(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["outbox", "run", "--once"])

    assert result.exit_code == 1
    assert "MAIL_BACKEND must be one of log, smtp, ses; got 'carrier-pigeon'" in result.output


@backend("log")
def test_run_loops_until_interrupted(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue(2)
    calls: list[int] = []
    real_deliver_due = cli.deliver_due

    def deliver_then_interrupt(batch_size: int | None = None) -> DeliveryReport:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_deliver_due(batch_size)

    monkeypatch.setattr(cli, "deliver_due", deliver_then_interrupt)

    result = runner.invoke(args=["outbox", "run"])

    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("outbox: sending with the 'log' backend")
    assert lines[1:] == ["sent 2, failed 0, dead 0, pending 0", "outbox: stopped"]
    assert len(calls) == 3


@backend("smtp-refused")
def test_status_and_requeue(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    [dead_id] = queue(1)
    runner.invoke(args=["outbox", "run", "--once"])
    queue(1)

    status = runner.invoke(args=["outbox", "status"])
    assert status.output.strip() == "pending 1 (due now 1), sent 0, dead 1"

    assert runner.invoke(args=["outbox", "requeue"]).exit_code == 2
    requeue = runner.invoke(args=["outbox", "requeue", str(dead_id)])
    assert requeue.output.strip() == "requeued 1"
    db.session.expire_all()
    message = db.session.get(OutboxMessage, dead_id)
    assert message is not None
    assert message.status == OutboxStatus.PENDING
    assert runner.invoke(args=["outbox", "requeue", "--all-dead"]).output.strip() == "requeued 0"
