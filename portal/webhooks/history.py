"""What the endpoint page lists: its recent deliveries, and the same as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.csv_cells import guard_cell
from portal.extensions import db
from portal.webhooks.models import WebhookDelivery

__all__ = ["RECENT", "deliveries_csv", "delivery_of", "recent_deliveries"]

RECENT = 50


def recent_deliveries(endpoint_id: int, limit: int = RECENT) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first, with their events."""
    return list(
        db.session.scalars(
            sa.select(WebhookDelivery)
            .options(joinedload(WebhookDelivery.event))
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def delivery_of(endpoint_id: int, delivery_id: int) -> WebhookDelivery | None:
    """One delivery of this endpoint, or None (another endpoint's is None too)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    return delivery if delivery is not None and delivery.endpoint_id == endpoint_id else None


def deliveries_csv(endpoint_id: int) -> Iterator[str]:
    """The recent deliveries as CSV lines (header first), cells formula-guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: list[object]) -> str:
        writer.writerow([guard_cell("" if cell is None else str(cell)) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(
        [
            "delivery",
            "message id",
            "event",
            "status",
            "attempts",
            "response code",
            "duration ms",
            "last attempt",
            "error",
            "replay of",
        ]
    )
    for delivery in recent_deliveries(endpoint_id):
        yield line(
            [
                delivery.id,
                delivery.event.message_id,
                delivery.event.event_type,
                delivery.status,
                delivery.attempts,
                delivery.response_code,
                delivery.duration_ms,
                delivery.last_attempt_at.isoformat(timespec="seconds")
                if delivery.last_attempt_at
                else "",
                delivery.last_error,
                delivery.replay_of_id,
            ]
        )
