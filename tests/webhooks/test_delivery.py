"""Real HTTP deliveries to receivers on 127.0.0.1: signed, retried, given up, disabled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from standardwebhooks import Webhook

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.webhooks.delivery import deliver_due, retry_delay
from portal.webhooks.endpoints import replay_delivery, rotate_secret
from portal.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import new_org, new_referral, new_user
from tests.webhooks.conftest import register


def _partner():
    return new_user(Role.PARTNER_USER, new_org("Acme Analytics"))


def _deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_submitted_referral_reaches_the_example_receiver_signed(
    app: Flask, admin, verifying_receiver
) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)  # it knows the secret the page showed
    created.endpoint.url = receiver.url
    db.session.commit()
    referral = new_referral(_partner(), company_name="Northwind Traders")

    report = deliver_due()

    assert report.delivered == 1
    assert [e["type"] for e in receiver.events] == ["referral.submitted"]
    data = receiver.events[0]["data"]["referral"]
    assert data["reference"] == referral.reference
    assert data["company_name"] == "Northwind Traders"
    headers = receiver.headers[0]
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    (delivered,) = _deliveries()
    assert delivered.status == DeliveryStatus.DELIVERED
    assert delivered.response_code == 204
    assert delivered.duration_ms is not None


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(
    app: Flask, admin, verifying_receiver
) -> None:
    receiver = verifying_receiver("whsec_" + "B" * 32)  # not the endpoint's secret
    register(admin, receiver.url)
    new_referral(_partner())

    report = deliver_due()

    assert (report.delivered, report.retrying) == (0, 1)
    assert receiver.events == []
    (waiting,) = _deliveries()
    assert waiting.status == DeliveryStatus.PENDING
    assert waiting.response_code == 401
    assert waiting.attempts == 1
    assert waiting.next_attempt_at > utcnow()


def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(
    app: Flask, admin, answering_receiver, verifying_receiver
) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    old_secret = created.secret
    rotated = rotate_secret(admin, created.endpoint, timedelta(hours=24))
    old_receiver, new_receiver = verifying_receiver(old_secret), verifying_receiver(rotated.secret)
    created.endpoint.url = old_receiver.url
    db.session.commit()
    new_referral(_partner())
    deliver_due()
    assert len(old_receiver.events) == 1

    signature = old_receiver.headers[0]["webhook-signature"]
    assert len(signature.split(" ")) == 2
    created.endpoint.url = new_receiver.url
    db.session.commit()
    new_referral(_partner())
    deliver_due()
    assert len(new_receiver.events) == 1

    # Once the overlap is over only the new secret signs.
    later = utcnow() + timedelta(hours=25)
    assert created.endpoint.signing_secrets(later) == [rotated.secret]
    assert created.endpoint.signing_secrets(utcnow()) == [rotated.secret, old_secret]


def test_the_signature_is_the_standard_one(app: Flask) -> None:
    from portal.webhooks.signing import new_secret, signed_headers

    secret = new_secret()
    body = b'{"type":"referral.won"}'
    headers = signed_headers("msg_1", body, [secret], utcnow())
    assert Webhook(secret).verify(body, headers) == {"type": "referral.won"}
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(new_secret()).verify(body, headers)


def test_a_failing_receiver_is_retried_with_growing_waits_then_given_up(
    app: Flask, admin, answering_receiver
) -> None:
    app.config["WEBHOOK_DISABLE_AFTER_FAILURES"] = 10_000  # this test is about the retries
    failing = answering_receiver(500)
    register(admin, failing.url)
    new_referral(_partner())
    (delivery,) = _deliveries()
    now = delivery.created_at
    waits = []
    while True:
        report = deliver_due(now=now)
        assert report.processed == 1
        delivery = _deliveries()[0]
        if delivery.status == DeliveryStatus.FAILED:
            break
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert failing.requests == delivery.attempts
    assert delivery.response_code == 500
    assert delivery.last_error == "HTTP 500"
    # Back-off doubles (with jitter) up to its cap, and the whole try lasts about 3 days.
    assert waits[0] < timedelta(minutes=1) < waits[3] < waits[6]
    assert max(waits) <= timedelta(hours=8) * 1.2
    assert timedelta(hours=60) < now - delivery.created_at <= timedelta(hours=72)
    # Nothing is due any more.
    assert deliver_due(now=now + timedelta(days=30)).processed == 0


def test_retry_delays_have_jitter(app: Flask) -> None:
    delays = {retry_delay(3) for _ in range(20)}
    assert len(delays) > 1
    assert all(timedelta(seconds=96) <= d <= timedelta(seconds=144) for d in delays)


def test_sustained_failure_disables_the_endpoint_and_emails_the_admins(
    app: Flask, admin, answering_receiver
) -> None:
    app.config.update(WEBHOOK_DISABLE_AFTER_FAILURES=3, WEBHOOK_DISABLE_AFTER_HOURS=1)
    other_admin = new_user(Role.ADMIN, email="bo@flywheel.example", name="Bo Admin")
    failing = answering_receiver(503)
    created = register(admin, failing.url)
    partner = _partner()
    for _ in range(3):
        new_referral(partner)
    start = utcnow()

    report = deliver_due(now=start)  # three failures in a row, but not for an hour yet
    assert (report.retrying, report.disabled) == (3, 0)
    new_referral(partner)
    report = deliver_due(now=start + timedelta(hours=2))

    assert report.disabled == 1
    endpoint = db.session.get(WebhookEndpoint, created.endpoint.id)
    assert endpoint is not None and endpoint.enabled is False
    assert "failed" in (endpoint.disabled_reason or "")
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "webhook_endpoint_disabled")
    ).all()
    assert sorted(m.to_email for m in mails) == sorted([admin.email, other_admin.email])
    assert failing.url.split("/hooks")[0] in mails[0].body_text
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "webhook.endpoint_disabled")
    )
    # A disabled endpoint gets nothing, even when its deliveries are due.
    requests_before = failing.requests
    assert deliver_due(now=start + timedelta(days=1)).processed == 0
    assert failing.requests == requests_before


def test_a_slow_receiver_times_out(app: Flask, admin, answering_receiver) -> None:
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 1
    slow = answering_receiver(204, delay=3)
    register(admin, slow.url)
    new_referral(_partner())

    deliver_due()

    (delivery,) = _deliveries()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_code is None
    assert "timed out" in (delivery.last_error or "").lower()
    assert (delivery.duration_ms or 0) < 2500


def test_redirects_are_not_followed(app: Flask, admin, answering_receiver) -> None:
    target = answering_receiver(204)
    redirecting = answering_receiver(307, location=target.url)
    register(admin, redirecting.url)
    new_referral(_partner())

    deliver_due()

    (delivery,) = _deliveries()
    assert delivery.response_code == 307
    assert "redirects are not followed" in (delivery.last_error or "")
    assert target.requests == 0


def test_replay_sends_the_same_message_again(app: Flask, admin, verifying_receiver) -> None:
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)
    created.endpoint.url = receiver.url
    db.session.commit()
    new_referral(_partner())
    deliver_due()
    (first,) = _deliveries()

    replay_delivery(admin, first)
    db.session.commit()
    deliver_due()

    assert len(receiver.events) == 2
    assert receiver.headers[0]["webhook-id"] == receiver.headers[1]["webhook-id"]
    assert receiver.events[0] == receiver.events[1]
    second = _deliveries()[1]
    assert second.replay_of_id == first.id and second.status == DeliveryStatus.DELIVERED


def test_a_private_address_behind_a_name_is_refused(
    app: Flask, admin, answering_receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = answering_receiver(204)
    port = receiver.url.split(":")[2].split("/")[0]
    register(admin, f"http://hooks.example.com:{port}/hooks")
    fake = [(2, 1, 6, "", ("127.0.0.1", int(port)))]
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: fake)
    new_referral(_partner())

    deliver_due()

    (delivery,) = _deliveries()
    assert "refused" in (delivery.last_error or "")
    assert "loopback" in (delivery.last_error or "")
    assert receiver.requests == 0


def test_an_allowed_name_connects_to_the_address_it_resolved_to(
    app: Flask, admin, verifying_receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "hooks.internal"
    created = register(admin, "http://127.0.0.1:9/unused")
    receiver = verifying_receiver(created.secret)
    port = int(receiver.url.split(":")[2].split("/")[0])
    created.endpoint.url = f"http://hooks.internal:{port}/hooks"
    db.session.commit()
    lookups: list[str] = []

    def resolve(host: str, *args: object, **kwargs: object) -> list:
        lookups.append(host)
        return [(2, 1, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr("socket.getaddrinfo", resolve)
    new_referral(_partner())

    deliver_due()

    assert lookups == ["hooks.internal"]  # resolved once; the connection used that address
    assert len(receiver.events) == 1
    assert receiver.headers[0]["host"] == f"hooks.internal:{port}"


def test_deliveries_are_not_written_when_the_change_rolls_back(app: Flask, admin) -> None:
    register(admin, "http://127.0.0.1:9/hooks")
    partner = _partner()
    from portal.content_runtime import current_content
    from portal.referrals.service import submit_referral
    from tests.conftest import referral_input

    submit_referral(partner, referral_input(), current_content().program)
    db.session.flush()
    assert len(_deliveries_no_expire()) == 1
    db.session.rollback()
    assert _deliveries() == []


def _deliveries_no_expire() -> list[WebhookDelivery]:
    return list(db.session.scalars(sa.select(WebhookDelivery)))
