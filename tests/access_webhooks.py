"""Route table for the webhook pages (merged into tests/test_access.py ACCESS).

Staff admins only; the world has one endpoint with one delivery. A delivery of another
endpoint (or none) is not found.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from portal.webhooks.endpoints import register_endpoint
from portal.webhooks.models import WebhookDelivery
from portal.webhooks.recording import record_event
from tests.access_helpers import Route, admins

ROUTES: dict[str, Route] = {
    "webhooks.endpoints": Route("/admin/webhooks", admins(200)),
    "webhooks.endpoint": Route("/admin/webhooks/{webhook_endpoint_id}", admins(200)),
    "webhooks.export": Route("/admin/webhooks/{webhook_endpoint_id}/deliveries.csv", admins(200)),
    "webhooks.rotate": Route("/admin/webhooks/{webhook_endpoint_id}/rotate", admins(), "POST"),
    "webhooks.enable": Route("/admin/webhooks/{webhook_endpoint_id}/enable", admins(), "POST"),
    "webhooks.delete": Route("/admin/webhooks/{webhook_endpoint_id}/delete", admins(), "POST"),
    "webhooks.replay": Route(
        "/admin/webhooks/{webhook_endpoint_id}/deliveries/{webhook_delivery_id}/replay",
        admins(),
        "POST",
    ),
}


def build_webhooks(admin: User) -> dict[str, int]:
    """An endpoint for referral events with one waiting delivery (committed)."""
    created = register_endpoint(
        admin, "https://crm.example.com/hooks", ["referral.submitted"], "CRM", frozenset()
    )
    db.session.flush()
    event = record_event("referral.submitted", {"referral": {"reference": "R-000001"}})
    assert event is not None
    db.session.commit()
    delivery_id = db.session.scalar(sa.select(WebhookDelivery.id))
    assert delivery_id is not None
    return {"webhook_endpoint_id": created.endpoint.id, "webhook_delivery_id": delivery_id}
