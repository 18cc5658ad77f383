"""Referrals a page at a time in a stable order, for integrations that keep a copy (the API).

Ordered by id, the cursor is the last id read: a page never shifts under the reader, new
referrals come at the end. `updated_since` keeps the referrals with a timeline event at or
after the instant: every change to a referral is an event (portal/referrals/events.py), so a
CRM that remembers when it last read asks only for what changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.access import scoped_to_org
from portal.accounts.models import User
from portal.extensions import db
from portal.referrals.models import Referral, ReferralEvent

__all__ = ["SyncFilters", "last_changed", "referrals_after"]


@dataclass(frozen=True)
class SyncFilters:
    status: str | None = None
    organization_id: int | None = None
    updated_since: datetime | None = None


def referrals_after(
    user: User, after_id: int | None, limit: int, filters: SyncFilters
) -> list[Referral]:
    """Up to `limit` referrals the user may see with an id above `after_id`, oldest first."""
    stmt = sa.select(Referral).order_by(Referral.id).limit(limit)
    stmt = scoped_to_org(stmt, Referral.organization_id, user)
    if after_id is not None:
        stmt = stmt.where(Referral.id > after_id)
    if filters.status:
        stmt = stmt.where(Referral.status == filters.status)
    if filters.organization_id is not None:
        stmt = stmt.where(Referral.organization_id == filters.organization_id)
    if filters.updated_since is not None:
        changed = sa.select(ReferralEvent.id).where(
            ReferralEvent.referral_id == Referral.id,
            ReferralEvent.created_at >= filters.updated_since,
        )
        stmt = stmt.where(sa.exists(changed))
    return list(db.session.scalars(stmt))


def last_changed(referral_ids: list[int]) -> dict[int, datetime]:
    """When each referral last changed (its latest event), in one query."""
    if not referral_ids:
        return {}
    rows = db.session.execute(
        sa.select(ReferralEvent.referral_id, sa.func.max(ReferralEvent.created_at))
        .where(ReferralEvent.referral_id.in_(referral_ids))
        .group_by(ReferralEvent.referral_id)
    )
    return {row[0]: row[1] for row in rows}
