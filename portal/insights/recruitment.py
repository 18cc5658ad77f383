"""Section 1, recruited and activated: one row of milestones per organisation.

An organisation's milestones (invited, activated, first referral, first win, first kit used)
come from one statement; the figures, the funnel and the invite-month cohorts are counted from
those rows in Python (a program has thousands of organisations, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.insights.groups import ORG_REGION, org_scope
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.kits.service import KIT_DOWNLOAD, TEMPLATE_COPY, TEMPLATE_DOWNLOAD
from portal.referrals.models import Referral, ReferralStatus

__all__ = ["COHORT_MONTHS", "KIT_KINDS", "OrgFacts", "org_facts", "recruitment_figures"]

KIT_KINDS = (KIT_DOWNLOAD, TEMPLATE_COPY, TEMPLATE_DOWNLOAD)
COHORT_MONTHS = 12
MILESTONES = ("invited", "activated", "first_referral", "first_win")


@dataclass(frozen=True)
class OrgFacts:
    id: int
    partner_type: str
    tier: str
    region: str  # "" when not set
    status: str
    invited: datetime
    activated: datetime | None
    first_referral: datetime | None
    first_win: datetime | None
    first_kit: datetime | None


def org_facts(scope: Scope | None = None) -> list[OrgFacts]:
    """Every organisation the scope admits with its milestones."""
    scope = scope or Scope()
    first_referral = (
        sa.select(Referral.organization_id, sa.func.min(Referral.submitted_at).label("at"))
        .group_by(Referral.organization_id)
        .subquery()
    )
    first_win = (
        sa.select(Referral.organization_id, sa.func.min(Referral.closed_at).label("at"))
        .where(Referral.status == ReferralStatus.WON)
        .group_by(Referral.organization_id)
        .subquery()
    )
    first_kit = (
        sa.select(ActivityEvent.organization_id, sa.func.min(ActivityEvent.created_at).label("at"))
        .where(ActivityEvent.kind.in_(KIT_KINDS), ActivityEvent.organization_id.is_not(None))
        .group_by(ActivityEvent.organization_id)
        .subquery()
    )
    stmt = (
        sa.select(
            Organization.id,
            Organization.partner_type,
            Organization.tier,
            ORG_REGION,
            Organization.status,
            Organization.created_at,
            Organization.activated_at,
            first_referral.c.at,
            first_win.c.at,
            first_kit.c.at,
        )
        .outerjoin(first_referral, first_referral.c.organization_id == Organization.id)
        .outerjoin(first_win, first_win.c.organization_id == Organization.id)
        .outerjoin(first_kit, first_kit.c.organization_id == Organization.id)
        .where(*org_scope(scope))
    )
    return [OrgFacts(*row) for row in db.session.execute(stmt)]


def _count(orgs: list[OrgFacts], milestone: str, window: Window) -> int:
    return sum(1 for org in orgs if getattr(org, milestone) in window)


def recruitment_figures(
    facts: list[OrgFacts], scope: Scope, period: Period, now: datetime
) -> dict[str, Any]:
    """Milestones reached in the period (and the previous one), status, funnel and cohorts."""
    orgs = [org for org in facts if scope.admits(org.partner_type, org.tier, org.region)]
    flows = {
        milestone: [
            _count(orgs, milestone, period.current),
            _count(orgs, milestone, period.previous),
        ]
        for milestone in (*MILESTONES, "first_kit")
    }
    status_now = {str(status): 0 for status in OrgStatus}
    for org in orgs:
        status_now[org.status] = status_now.get(org.status, 0) + 1
    funnel = {
        "invited": len(orgs),
        "activated": sum(1 for org in orgs if org.activated is not None),
        "first_referral": sum(1 for org in orgs if org.first_referral is not None),
        "first_win": sum(1 for org in orgs if org.first_win is not None),
    }
    return {
        **flows,
        "status_now": status_now,
        "funnel": funnel,
        "kit_ready_now": sum(1 for org in orgs if org.first_kit is not None),
        "cohorts": _cohorts(orgs, now),
    }


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _cohorts(orgs: list[OrgFacts], now: datetime) -> list[list[Any]]:
    """[invite month, invited, activated, median days to activation] for the last 12 months."""
    months: list[str] = []
    cursor = now.replace(day=1)
    while len(months) < COHORT_MONTHS:
        months.insert(0, _month(cursor))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    invited: dict[str, int] = dict.fromkeys(months, 0)
    days: dict[str, list[float]] = {month: [] for month in months}
    for org in orgs:
        month = _month(org.invited)
        if month not in invited:
            continue
        invited[month] += 1
        if org.activated is not None:
            days[month].append((org.activated - org.invited).total_seconds() / 86400)
    return [
        [
            month,
            invited[month],
            len(days[month]),
            round(median(days[month]), 1) if days[month] else None,
        ]
        for month in months
    ]
