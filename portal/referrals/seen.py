"""Whether the partner team has seen a referral: the inbox marks it new until someone opens it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import User
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals.models import Referral


def mark_opened(referral: Referral, viewer: User, now: datetime | None = None) -> bool:
    """Record the first time a partner-team member opened the referral; no commit.

    One conditional UPDATE, so of two people opening it at once only the first is recorded.
    True when this call recorded it; partners and later openings change nothing.
    """
    if referral.first_opened_at is not None or not viewer.is_staff:
        return False
    now = now or utcnow()
    result = db.session.execute(
        sa.update(Referral)
        .where(Referral.id == referral.id, Referral.first_opened_at.is_(None))
        .values(first_opened_at=now, first_opened_by_id=viewer.id)
        .execution_options(synchronize_session=False)
    )
    recorded = bool(getattr(result, "rowcount", 0))
    db.session.refresh(referral, ["first_opened_at", "first_opened_by_id"])
    return recorded
