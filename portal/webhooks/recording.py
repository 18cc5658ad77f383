"""The webhook outbox: an event and its deliveries, written in the transaction of the change.

`record_event` is the sink `portal.outbound_events.publish_event` hands events to (registered
in `portal.webhooks.init_app`). It only adds rows to the session: the referral's stage change
and the event announcing it commit together or not at all, and `flask webhooks deliver`
sends what was committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from portal.db_types import utcnow
from portal.extensions import db
from portal.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from portal.webhooks.signing import event_body, new_message_id

__all__ = ["record_event"]


def record_event(event_type: str, data: Mapping[str, Any]) -> WebhookEvent | None:
    """Add the event and one due delivery per enabled endpoint subscribed to it; no commit.

    None when no endpoint wants it (nothing is written then).
    """
    subscribed = [
        endpoint
        for endpoint in db.session.scalars(
            sa.select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True))
        )
        if endpoint.wants(event_type)
    ]
    if not subscribed:
        return None
    now = utcnow()
    event = WebhookEvent(
        message_id=new_message_id(),
        event_type=event_type,
        body=event_body(event_type, now, data),
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    for endpoint in subscribed:
        db.session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_id=event.id,
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return event
