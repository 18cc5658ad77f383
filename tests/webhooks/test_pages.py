"""The admin pages: register an endpoint (secret shown once), rotate, replay, delete, CSV."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from portal.webhooks.recording import record_event
from tests.webhooks.conftest import register

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{20,}")


def _audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_registering_shows_the_secret_once(app: Flask, admin, login) -> None:
    client = login(admin)
    response = client.post(
        "/admin/webhooks",
        data={
            "url": " https://crm.example.com/hooks/flywheel ",
            "event_types": ["referral.submitted", "tier.changed"],
            "description": "Our CRM <b>sync</b>",
        },
    )
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    (secret,) = set(SECRET.findall(page))
    endpoint = db.session.scalar(sa.select(WebhookEndpoint))
    assert endpoint is not None and endpoint.secret == secret
    assert endpoint.url == "https://crm.example.com/hooks/flywheel"
    assert endpoint.event_type_list == ["referral.submitted", "tier.changed"]
    assert "Our CRM &lt;b&gt;sync&lt;/b&gt;" in page
    assert _audit_actions() == ["webhook.endpoint_created"]
    # Never again: neither the list nor the endpoint's page shows it.
    assert secret not in client.get("/admin/webhooks").get_data(as_text=True)
    assert secret not in client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)


def test_refused_urls_say_why_and_store_nothing(app: Flask, admin, login) -> None:
    client = login(admin)
    for url, message in (
        ("ftp://crm.example.com/", "Use an https://"),
        ("http://10.0.0.5/hooks", "Webhooks only go to public addresses"),
        ("https://crm.example.com/" + "x" * 2100, "Keep the URL to 2000 characters."),
    ):
        response = client.post(
            "/admin/webhooks", data={"url": url, "event_types": ["referral.won"]}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    response = client.post("/admin/webhooks", data={"url": "https://crm.example.com/"})
    assert "Choose at least one event." in response.get_data(as_text=True)
    response = client.post(
        "/admin/webhooks", data={"url": "https://crm.example.com/", "event_types": ["nope"]}
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_rotation_shows_the_new_secret_and_keeps_the_old_one_signing(
    app: Flask, admin, login
) -> None:
    created = register(admin, "https://crm.example.com/hooks")
    client = login(admin)
    response = client.post(f"/admin/webhooks/{created.endpoint.id}/rotate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (secret,) = set(SECRET.findall(page))
    assert secret != created.secret
    assert "signed with the old" in page
    endpoint = db.session.get(WebhookEndpoint, created.endpoint.id)
    assert endpoint is not None
    assert endpoint.secret == secret and endpoint.previous_secret == created.secret
    assert "Two: the old one signs alongside" in client.get(
        f"/admin/webhooks/{endpoint.id}"
    ).get_data(as_text=True)
    assert _audit_actions()[-1] == "webhook.secret_rotated"


def test_deliveries_are_listed_replayed_and_exported(app: Flask, admin, login) -> None:
    created = register(admin, "https://crm.example.com/hooks")
    record_event("referral.submitted", {"referral": {"reference": "R-000042"}})
    db.session.commit()
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery is not None
    delivery.attempts, delivery.response_code, delivery.duration_ms = 1, 500, 123
    db.session.commit()
    client = login(admin)

    page = client.get(f"/admin/webhooks/{created.endpoint.id}").get_data(as_text=True)
    assert "referral.submitted" in page and "500" in page and "123 ms" in page
    assert "Retrying" in page

    response = client.post(f"/admin/webhooks/{created.endpoint.id}/deliveries/{delivery.id}/replay")
    assert response.status_code == 302
    replays = db.session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.replay_of_id == delivery.id)
    ).all()
    assert len(replays) == 1
    assert _audit_actions()[-1] == "webhook.delivery_replayed"

    csv = client.get(f"/admin/webhooks/{created.endpoint.id}/deliveries.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("delivery,message id,event,status")
    assert len(lines) == 3


def test_a_delivery_of_another_endpoint_is_not_found(app: Flask, admin, login) -> None:
    first = register(admin, "https://crm.example.com/a")
    second = register(admin, "https://crm.example.com/b", "referral.won")
    record_event("referral.submitted", {})
    db.session.commit()
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery is not None and delivery.endpoint_id == first.endpoint.id
    response = login(admin).post(
        f"/admin/webhooks/{second.endpoint.id}/deliveries/{delivery.id}/replay"
    )
    assert response.status_code == 404


def test_deleting_removes_the_endpoint_and_its_deliveries(app: Flask, admin, login) -> None:
    created = register(admin, "https://crm.example.com/hooks")
    record_event("referral.submitted", {})
    db.session.commit()
    response = login(admin).post(f"/admin/webhooks/{created.endpoint.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 0
    assert _audit_actions()[-1] == "webhook.endpoint_deleted"
    audit_page = login(admin).get("/admin/audit").get_data(as_text=True)
    assert "deleted the webhook endpoint https://crm.example.com/hooks" in audit_page


def test_a_disabled_endpoint_can_be_enabled_again(app: Flask, admin, login) -> None:
    created = register(admin, "https://crm.example.com/hooks")
    created.endpoint.enabled = False
    created.endpoint.disabled_reason = "every attempt failed for 72 hours"
    created.endpoint.consecutive_failures = 12
    db.session.commit()
    client = login(admin)
    assert "every attempt failed for 72 hours" in client.get(
        f"/admin/webhooks/{created.endpoint.id}"
    ).get_data(as_text=True)
    client.post(f"/admin/webhooks/{created.endpoint.id}/enable")
    db.session.expire_all()
    endpoint = db.session.get(WebhookEndpoint, created.endpoint.id)
    assert endpoint is not None and endpoint.enabled and endpoint.consecutive_failures == 0
    assert _audit_actions()[-1] == "webhook.endpoint_enabled"


def test_the_admin_area_links_to_webhooks(app: Flask, admin, login) -> None:
    page = login(admin).get("/admin/api-tokens").get_data(as_text=True)
    assert 'href="/admin/webhooks"' in page
