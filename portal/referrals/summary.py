"""What the partner home shows of the organisation's referrals and commissions.

Four statements whatever the organisation's size: the open referrals (the most recently
updated few, with the count of all), the latest partner-visible event of each shown, this
year's commissions by status, and disputes the partner team answered lately.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.money import format_money
from portal.referrals.events import event_title, stage_name
from portal.referrals.models import (
    CLOSED_STATUSES,
    Commission,
    CommissionDispute,
    CommissionStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    reference_of,
)

__all__ = [
    "ANSWERED_DISPUTES_WITHIN",
    "EARNINGS_STATUSES",
    "OPEN_SHOWN",
    "AnsweredDispute",
    "EarningsThisYear",
    "OpenReferral",
    "OpenReferrals",
    "answered_disputes",
    "earnings_this_year",
    "open_referrals",
    "open_statuses",
]

OPEN_SHOWN = 5
# An answer to a dispute stays on the partner's home this long: long enough to be read.
ANSWERED_DISPUTES_WITHIN = timedelta(days=30)
_CLOSED = frozenset(status.value for status in CLOSED_STATUSES)


def open_statuses(pipeline_stages: Sequence[str]) -> tuple[str, ...]:
    """Every status an open referral can have in the program: waiting for triage, in a
    conflict, or at a pipeline stage that is not an outcome. Listing them (rather than "not
    closed") lets a query read one index range per status."""
    everything = (ReferralStatus.SUBMITTED.value, ReferralStatus.CONFLICT.value, *pipeline_stages)
    return tuple(s for s in dict.fromkeys(everything) if s not in _CLOSED)


# The statuses the home's earnings line shows, in the order a commission moves through them.
EARNINGS_STATUSES = (
    CommissionStatus.PENDING.value,
    CommissionStatus.APPROVED.value,
    CommissionStatus.PAID.value,
)


@dataclass(frozen=True)
class OpenReferral:
    """An open referral and the latest news the partner may read about it."""

    reference: str
    company_name: str
    status: str
    latest_title: str
    latest_at: datetime

    @property
    def stage(self) -> str:
        return stage_name(self.status)


@dataclass(frozen=True)
class OpenReferrals:
    count: int  # every open referral of the organisation
    shown: list[OpenReferral]  # the most recently updated first, at most OPEN_SHOWN


def open_referrals(
    organization_id: int, statuses: Sequence[str], limit: int = OPEN_SHOWN
) -> OpenReferrals:
    """The organisation's open referrals (`statuses`: `open_statuses(...)`) updated most
    recently, with their latest partner-visible event, and how many are open in all (three
    statements, each an index range: ix_referrals_org_updated read backwards for the few
    shown, ix_referrals_org_status_closed for the count)."""
    r = Referral
    rows = db.session.execute(
        sa.select(r.id, r.company_name, r.status, r.last_partner_update_at)
        .where(r.organization_id == organization_id, r.status.in_(statuses))
        .order_by(r.last_partner_update_at.desc(), r.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return OpenReferrals(0, [])
    open_count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(r)
        .where(r.organization_id == organization_id, r.status.in_(statuses))
    )
    latest_ids = (
        sa.select(sa.func.max(ReferralEvent.id))
        .where(
            ReferralEvent.referral_id.in_([row.id for row in rows]),
            ReferralEvent.partner_visible.is_(True),
        )
        .group_by(ReferralEvent.referral_id)
    )
    latest = {
        event.referral_id: event
        for event in db.session.scalars(
            sa.select(ReferralEvent).where(ReferralEvent.id.in_(latest_ids))
        )
    }
    shown = []
    for row in rows:
        event = latest.get(row.id)
        shown.append(
            OpenReferral(
                reference=reference_of(row.id),
                company_name=row.company_name,
                status=row.status,
                latest_title=event_title(event) if event else "Referral submitted",
                latest_at=event.created_at if event else row.last_partner_update_at,
            )
        )
    return OpenReferrals(int(open_count or 0), shown)


@dataclass(frozen=True)
class EarningsThisYear:
    """Commissions on deals won this calendar year, by their status now."""

    year: int
    currency: str  # the program's: shown when there is nothing yet
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # status -> currency -> minor

    def total(self, status: str) -> str:
        amounts = self.totals.get(status) or {self.currency: 0}
        return " + ".join(format_money(minor, code) for code, minor in sorted(amounts.items()))

    @property
    def any(self) -> bool:
        return bool(self.totals)

    @property
    def single_currency_amounts(self) -> dict[str, int] | None:
        """Pending, approved and paid in minor units when one currency holds them all (a bar
        can show their shares); None otherwise, or when there is nothing yet."""
        shown = {s: self.totals.get(s, {}) for s in EARNINGS_STATUSES}
        currencies = {code for amounts in shown.values() for code in amounts}
        if len(currencies) != 1:
            return None
        (code,) = currencies
        return {status: amounts.get(code, 0) for status, amounts in shown.items()}


def earnings_this_year(organization_id: int, currency: str, now: datetime) -> EarningsThisYear:
    """The organisation's commissions created since 1 January (UTC), summed by status and
    currency (one statement)."""
    year_start = datetime(now.year, 1, 1, tzinfo=UTC)
    rows = db.session.execute(
        sa.select(Commission.status, Commission.currency, sa.func.sum(Commission.amount_minor))
        .where(Commission.organization_id == organization_id, Commission.created_at >= year_start)
        .group_by(Commission.status, Commission.currency)
    ).all()
    totals: dict[str, dict[str, int]] = {}
    for status, code, minor in rows:
        totals.setdefault(status, {})[code] = int(minor or 0)
    return EarningsThisYear(now.year, currency, totals)


@dataclass(frozen=True)
class AnsweredDispute:
    reference: str
    resolved_at: datetime


def answered_disputes(organization_id: int, now: datetime) -> list[AnsweredDispute]:
    """Disputes of the organisation the partner team answered lately: the partner reads the
    answer on the earnings page (one statement)."""
    rows = db.session.execute(
        sa.select(Commission.referral_id, CommissionDispute.resolved_at)
        .join(Commission, Commission.id == CommissionDispute.commission_id)
        .where(
            CommissionDispute.organization_id == organization_id,
            CommissionDispute.resolved_at >= now - ANSWERED_DISPUTES_WITHIN,
        )
        .order_by(CommissionDispute.resolved_at.desc())
        .limit(OPEN_SHOWN)
    ).all()
    return [
        AnsweredDispute(reference_of(ref_id), resolved)
        for ref_id, resolved in rows
        if resolved is not None  # the query filters on resolved_at; mypy cannot know
    ]
