"""The indexes the scorecard's aggregate reads need on the features' tables.

Declared here, beside the queries that use them (portal/scorecard/queries.py), so the
features' own models stay about the features; portal/models.py imports this module so the
metadata, and Alembic, see them. Migrations: migrations/versions/0005_scorecard.py, and
0011_scorecard_org_quarters.py for ix_commissions_org_paid.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.audit.models import ActivityEvent
from portal.referrals.models import Commission, Referral

__all__ = ["SCORECARD_INDEXES"]

SCORECARD_INDEXES = (
    # An organisation's referrals submitted in a window (the quarterly cohorts, the median
    # first response): one index range instead of every referral the organisation has, and
    # every column those reads use, so neither database visits the table (a large partner's
    # referrals are spread over thousands of pages of it).
    sa.Index(
        "ix_referrals_org_submitted",
        Referral.organization_id,
        Referral.submitted_at,
        Referral.status,
        Referral.first_response_due_at,
        Referral.first_responded_at,
    ),
    # An organisation's deals closed in a window (status IN won, lost) with their value, and
    # its open pipeline by stage with its estimated value: both from the index alone, one
    # range per status (a large partner's open referrals are spread over thousands of pages).
    sa.Index(
        "ix_referrals_org_status_closed",
        Referral.organization_id,
        Referral.status,
        Referral.closed_at,
        Referral.deal_currency,
        Referral.deal_value_minor,
        Referral.estimated_currency,
        Referral.estimated_value_minor,
    ),
    # The program's won and lost deals in a window: the average win rate, from the index alone.
    sa.Index("ix_referrals_status_closed", Referral.status, Referral.closed_at),
    # An organisation's kit downloads and content views in a window.
    sa.Index(
        "ix_activity_events_org_kind_created",
        ActivityEvent.organization_id,
        ActivityEvent.kind,
        ActivityEvent.created_at,
    ),
    # An organisation's commissions paid in a window, summed per currency from the index
    # alone (those created in a window: ix_commissions_org_created, portal/referrals/models.py).
    sa.Index(
        "ix_commissions_org_paid",
        Commission.organization_id,
        Commission.paid_at,
        Commission.currency,
        Commission.amount_minor,
    ),
)
