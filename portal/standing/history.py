"""An organisation's tier history, and the audit entry that goes with each change."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.service import json_safe, record_audit
from portal.extensions import db
from portal.standing.models import TierHistoryEntry

__all__ = ["history_for", "record_history"]

HISTORY_SHOWN = 50


def record_history(
    organization_id: int,
    kind: str,
    message: str,
    *,
    actor: User | None = None,
    from_tier: str | None = None,
    to_tier: str | None = None,
    details: dict[str, Any] | None = None,
    run_on: date | None = None,
    audit: bool = True,
) -> TierHistoryEntry:
    """Add a history entry (and, unless told not to, its audit entry `tier.<kind>`); no commit.

    `run_on` is the daily evaluation's day for the entries it writes (one of each kind per
    organisation and day); None for what a person did.
    """
    entry = TierHistoryEntry(
        organization_id=organization_id,
        kind=kind,
        from_tier=from_tier,
        to_tier=to_tier,
        message=message,
        details=json_safe(details) if details is not None else None,
        actor_id=actor.id if actor is not None else None,
        run_on=run_on,
    )
    db.session.add(entry)
    if audit:
        record_audit(
            actor,
            f"tier.{kind}",
            "organization",
            organization_id,
            organization_id=organization_id,
            before={"tier": from_tier} if from_tier is not None else None,
            after={"tier": to_tier, "message": message, **(details or {})},
        )
    return entry


def history_for(organization_id: int, limit: int = HISTORY_SHOWN) -> list[TierHistoryEntry]:
    """The organisation's latest tier history, newest first."""
    return list(
        db.session.scalars(
            sa.select(TierHistoryEntry)
            .options(joinedload(TierHistoryEntry.actor))
            .where(TierHistoryEntry.organization_id == organization_id)
            .order_by(TierHistoryEntry.id.desc())
            .limit(limit)
        )
    )
