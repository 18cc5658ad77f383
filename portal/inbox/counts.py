"""The counts at the top of the inbox: new, breaching and stale open referrals.

Each count is the inbox list under one filter (listing.conditions), so a count and the list
its link opens can never disagree; all three come back in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import User
from portal.db_types import utcnow
from portal.extensions import db
from portal.inbox.listing import InboxFilters, conditions
from portal.referrals.models import Referral

__all__ = ["ATTENTION", "AttentionCount", "attention_counts"]

# (key, label, the filter its link opens)
ATTENTION: tuple[tuple[str, str, InboxFilters], ...] = (
    ("new", "New", InboxFilters(new=True)),
    ("breaching", "Breaching the SLA", InboxFilters(sla="overdue")),
    ("stale", "Stale", InboxFilters(sla="stale")),
)


@dataclass(frozen=True)
class AttentionCount:
    key: str
    label: str
    count: int
    filters: InboxFilters  # the inbox filter listing these referrals


def attention_counts(viewer: User, now: datetime | None = None) -> list[AttentionCount]:
    """How many open referrals are new, breaching and stale at `now`, in one statement."""
    now = now or utcnow()
    columns = [
        sa.func.count(sa.case((sa.and_(*conditions(filters, viewer, now)), 1))).label(key)
        for key, _label, filters in ATTENTION
    ]
    # Every referral the three filters can match is open, so has a running clock: the
    # statement reads the open range of ix_referrals_next_due, not the closed history.
    stmt = sa.select(*columns).select_from(Referral).where(Referral.next_due_at.is_not(None))
    row = db.session.execute(stmt).one()
    return [
        AttentionCount(key, label, int(row[index] or 0), filters)
        for index, (key, label, filters) in enumerate(ATTENTION)
    ]
