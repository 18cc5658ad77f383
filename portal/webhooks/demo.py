"""A demo webhook endpoint: the example receiver on this machine, with a few past deliveries.

It is disabled, so the demo's history (loaded after it) queues nothing for a receiver that is
not running. To watch real deliveries: rotate its secret on /admin/webhooks/<id> (the page
shows the new one), run `WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py` and
`WEBHOOK_ALLOWED_HOSTS=127.0.0.1 flask webhooks deliver`, and enable the endpoint.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.webhooks.endpoints import register_endpoint
from portal.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from portal.webhooks.recording import record_event

DEMO_URL = "http://127.0.0.1:8765/"

_ACCEPTED = {"from_status": "submitted", "to_status": "accepted"}
_WON = {"from_status": "proposal", "to_status": "won"}
# (event type, data, answer code, duration ms, hours ago)
_PAST: tuple[tuple[str, dict[str, object], int, int, int], ...] = (
    ("referral.submitted", {"referral": {"reference": "R-000001"}}, 204, 38, 50),
    ("referral.stage_changed", {"referral": {"reference": "R-000001"}, **_ACCEPTED}, 204, 41, 30),
    ("referral.won", {"referral": {"reference": "R-000002"}, **_WON}, 500, 112, 3),
)


def load_demo_webhooks(users: list[User]) -> None:
    """The example receiver's endpoint, three deliveries (two delivered, one failed), off."""
    admin = next((u for u in users if u.role == Role.ADMIN), None)
    if admin is None:
        return
    created = register_endpoint(
        admin,
        DEMO_URL,
        ["referral.submitted", "referral.stage_changed", "referral.won", "referral.lost"],
        "The example receiver (examples/webhook_receiver.py) on this machine",
        frozenset({"127.0.0.1"}),
    )
    endpoint = created.endpoint
    now = utcnow()
    for event_type, data, code, duration, hours_ago in _PAST:
        event = record_event(event_type, data)
        assert isinstance(event, WebhookEvent)
        db.session.flush()
        when = now - timedelta(hours=hours_ago)
        event.created_at = when
        delivery = db.session.scalars(
            sa.select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
        ).one()
        delivery.created_at = delivery.last_attempt_at = when
        delivery.attempts = 1
        delivery.response_code, delivery.duration_ms = code, duration
        if code < 300:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, when
        else:
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, f"HTTP {code}"
    endpoint.enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = (
        "demo: start examples/webhook_receiver.py with a rotated secret, then enable it"
    )
