"""How many referrals the partner team accepted, per organisation (all time)."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.models import Referral


def accepted_referral_counts(org_ids: Collection[int] | None = None) -> dict[int, int]:
    """{organisation id: referrals ever accepted}, one grouped statement; organisations
    without any are left out; `org_ids` None reads every organisation."""
    stmt = (
        sa.select(Referral.organization_id, sa.func.count(Referral.id))
        .where(Referral.accepted_at.is_not(None))
        .group_by(Referral.organization_id)
    )
    if org_ids is not None:
        stmt = stmt.where(Referral.organization_id.in_(list(org_ids)))
    return {org_id: int(count) for org_id, count in db.session.execute(stmt)}
