"""What the co-marketing pages need to word things: labels, the SLA clock, kit titles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.comarketing.models import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    ComarketingPiece,
    DecisionKind,
    PieceStatus,
)
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.referrals.api import clock, describe

STATUS_BADGES = {
    PieceStatus.SUBMITTED: "new",
    PieceStatus.CHANGES_REQUESTED: "warn",
    PieceStatus.APPROVED: "ok",
    PieceStatus.REJECTED: "bad",
}
EVENT_TITLES = {
    DecisionKind.SUBMITTED: "Submitted",
    DecisionKind.NEW_VERSION: "New version sent",
    DecisionKind.CHANGES_REQUESTED: "Changes requested",
    DecisionKind.APPROVED: "Approved",
    DecisionKind.REJECTED: "Rejected",
}


def _lookup(labels: dict[Any, str], key: str) -> str:
    return next((label for k, label in labels.items() if k == key), key)


def channel_label(channel: str) -> str:
    return _lookup(CHANNEL_LABELS, channel)


def status_label(status: str) -> str:
    return _lookup(STATUS_LABELS, status)


def status_badge_kind(status: str) -> str:
    return _lookup(STATUS_BADGES, status)


def event_title(kind: str) -> str:
    return _lookup(EVENT_TITLES, kind)


def sla_text(piece: ComarketingPiece, now: datetime) -> tuple[str, str]:
    """The review clock in words and its state ("due in 3 h", "overdue"); "" once decided."""
    if piece.status != PieceStatus.SUBMITTED:
        return "", ""
    reading = clock(piece.due_at, now)
    return describe(reading), reading.state


def page_helpers() -> dict[str, Any]:
    """The functions every co-marketing template calls, and the moment the page is read at."""
    kits = current_content().kits
    return {
        "channel_label": channel_label,
        "status_label": status_label,
        "status_badge_kind": status_badge_kind,
        "event_title": event_title,
        "sla_text": sla_text,
        "kit_title": lambda kit_id: kits[kit_id].title if kit_id in kits else kit_id,
        "now": utcnow(),
    }
