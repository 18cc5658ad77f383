"""The index the tier facts' reads need on the referrals table.

Declared here, beside the query that uses it (portal/tiers/gather.py), as
portal/scorecard/indexes.py does; portal/models.py imports this module so the metadata, and
Alembic, see it. Migration: migrations/versions/0008_partner_home_reads.py.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.referrals.models import Referral

__all__ = ["TIER_INDEXES"]

TIER_INDEXES = (
    # An organisation's referrals accepted in a trailing window, counted from the index alone:
    # the partner home's tier card and the daily evaluation read one range per organisation
    # instead of joining every timeline event of the program.
    sa.Index("ix_referrals_org_accepted", Referral.organization_id, Referral.accepted_at),
)
