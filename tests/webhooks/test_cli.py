"""`flask webhooks deliver --once` sends what is due and says what it did."""

from __future__ import annotations

from flask import Flask

from portal.extensions import db
from portal.webhooks.recording import record_event
from tests.webhooks.conftest import register


def test_deliver_once_sends_due_deliveries(app: Flask, admin, verifying_receiver) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)
    created.endpoint.url = receiver.url
    db.session.commit()
    record_event("referral.submitted", {"referral": {"reference": "R-000007"}})
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])

    assert result.exit_code == 0, result.output
    assert "delivered 1, retrying 0, failed 0, endpoints disabled 0" in result.output
    assert receiver.events[0]["data"] == {"referral": {"reference": "R-000007"}}
