"""Drill-down statements for referrals and commissions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import Organization
from portal.content.model import ContentIndex
from portal.insights.drill_types import DrillArgs
from portal.insights.groups import in_window, referral_scope
from portal.referrals.events import stage_name
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

# --- referrals ---------------------------------------------------------------------------

REFERRAL_COLUMNS = (
    Referral.id,
    Referral.company_name,
    Organization.id,
    Organization.name,
    Referral.region,
    Referral.status,
    Referral.submitted_at,
    Referral.closed_at,
    Referral.first_responded_at,
)


def referrals(args: DrillArgs, *conditions: Any, newest: Any = Referral.submitted_at) -> Any:
    return (
        sa.select(*REFERRAL_COLUMNS)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(*conditions, *referral_scope(args.scope, Referral.region))
        .order_by(newest.desc(), Referral.id.desc())
    )


def owned(args: DrillArgs) -> list[Any]:
    if not args.key:
        return []
    owner = int(args.key)
    return [Referral.owner_id.is_(None) if owner == 0 else Referral.owner_id == owner]


def closed(args: DrillArgs) -> sa.Select:
    ended = (ReferralStatus.WON.value, ReferralStatus.LOST.value, ReferralStatus.REJECTED.value)
    conditions: list[Any] = [in_window(Referral.closed_at, args.window), Referral.status.in_(ended)]
    if args.key:
        stages = [s for s in args.program.pipeline_stages if s != ReferralStatus.LOST]
        later = stages[stages.index(args.key) :]
        lost = aliased(ReferralEvent)
        lost_from_later = sa.exists().where(
            lost.referral_id == Referral.id,
            lost.to_status == ReferralStatus.LOST,
            lost.from_status.in_(later),
        )
        reached = [
            Referral.status == ReferralStatus.WON,
            sa.and_(Referral.status == ReferralStatus.LOST, lost_from_later),
        ]
        if args.key == stages[0]:  # a rejected referral reached the first stage only
            reached.append(Referral.status == ReferralStatus.REJECTED)
        conditions.append(sa.or_(*reached))
    return referrals(args, *conditions, newest=Referral.closed_at)


def stage_keys(content: ContentIndex) -> dict[str, str]:
    stages = content.program.pipeline_stages
    return {s: f"that reached {stage_name(s).lower()}" for s in stages if s != ReferralStatus.LOST}


def open_stage_keys(content: ContentIndex) -> dict[str, str]:
    stages = ["submitted", "conflict", *content.program.pipeline_stages]
    return {s: stage_name(s).lower() for s in stages if s not in ("won", "lost", "rejected")}


def accepted(args: DrillArgs) -> sa.Select:
    accepted = sa.select(ReferralEvent.referral_id).where(
        ReferralEvent.to_status == ReferralStatus.ACCEPTED,
        in_window(ReferralEvent.created_at, args.window),
    )
    return referrals(args, Referral.id.in_(accepted))


def commissions(args: DrillArgs) -> sa.Select:
    flow = args.key or "earned"
    columns = {
        "earned": Commission.created_at,
        "approved": Commission.approved_at,
        "paid": Commission.paid_at,
    }
    stmt = sa.select(
        Commission.id,
        Referral.id,
        Organization.id,
        Organization.name,
        Commission.amount_minor,
        Commission.currency,
        Commission.status,
        CommissionDispute.opened_at if flow == "disputed" else columns[flow],
    )
    if flow == "disputed":
        stmt = stmt.select_from(CommissionDispute).join(
            Commission, Commission.id == CommissionDispute.commission_id
        )
        when = in_window(CommissionDispute.opened_at, args.window)
        order: Any = CommissionDispute.opened_at  # a datetime column, nullable or not
    else:
        stmt = stmt.select_from(Commission)
        when = in_window(columns[flow], args.window)
        order = columns[flow]
    return (
        stmt.join(Referral, Referral.id == Commission.referral_id)
        .join(Organization, Organization.id == Commission.organization_id)
        .where(when, *referral_scope(args.scope, Referral.region))
        .order_by(order.desc(), Commission.id.desc())
    )


def commissions_now(args: DrillArgs) -> sa.Select:
    return (
        sa.select(
            Commission.id,
            Referral.id,
            Organization.id,
            Organization.name,
            Commission.amount_minor,
            Commission.currency,
            Commission.status,
            Commission.created_at,
        )
        .join(Referral, Referral.id == Commission.referral_id)
        .join(Organization, Organization.id == Commission.organization_id)
        .where(Commission.status == args.key, *referral_scope(args.scope, Referral.region))
        .order_by(Commission.created_at.desc(), Commission.id.desc())
    )
