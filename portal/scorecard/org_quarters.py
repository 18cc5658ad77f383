"""An organisation's own figures per quarter: closed quarters read from the rollup that
`flask scorecard refresh` stores (portal/scorecard/rollup.py), the running quarter, and any
closed one not stored yet, counted live.

A large partner's closed quarters are tens of thousands of index entries each (its cohorts,
its first-response median); a stored row is one. The running quarter is counted live, so what
moves today shows today; a closed quarter changes only through a late edit (a deal closed on a
referral submitted back then, a correction), which the next refresh picks up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.scorecard import queries, referral_queries
from portal.scorecard.models import OrgQuarter
from portal.scorecard.quarters import Quarter
from portal.scorecard.queries import ActivityCounts, CommissionSums, PeopleCounts
from portal.scorecard.referral_queries import ReferralCounts

__all__ = ["OrgQuarterFigures", "count_org_quarters", "org_quarter_figures"]


@dataclass(frozen=True)
class OrgQuarterFigures:
    """Every figure of one organisation in one quarter (the program's average aside)."""

    people: PeopleCounts
    modules_completed: int
    activity: ActivityCounts
    referrals: ReferralCounts
    median_response_seconds: float | None
    commissions: CommissionSums
    # The first moment after the count a referral of the quarter's cohort falls due for its
    # first response (its SLA figures change then); None: none will.
    next_due_at: datetime | None = None


def count_org_quarters(
    organization_id: int, quarters: Sequence[Quarter], now: datetime, currency: str
) -> list[OrgQuarterFigures]:
    """Count the figures live for consecutive `quarters` as of `now`, in six statements (seven
    on SQLite, whose median takes one more) whatever the number of quarters and the
    organisation's size."""
    people = queries.people_counts(organization_id, quarters, now)
    modules = queries.module_completions(organization_id, quarters)
    activity = queries.activity_counts(organization_id, quarters)
    referrals = referral_queries.quarter_referrals(organization_id, quarters, now, currency)
    commissions = queries.commission_sums(organization_id, quarters)
    return [
        OrgQuarterFigures(
            people=people[i],
            modules_completed=modules[i],
            activity=activity[i],
            referrals=referrals[i].counts,
            median_response_seconds=referrals[i].median_response_seconds,
            commissions=commissions[i],
            next_due_at=referrals[i].next_due_at,
        )
        for i in range(len(quarters))
    ]


@dataclass(frozen=True)
class OrgQuarterResult:
    figures: list[OrgQuarterFigures]
    stored_at: datetime | None  # when the oldest stored quarter used was counted; None: none


def org_quarter_figures(
    organization_id: int, quarters: Sequence[Quarter], now: datetime, currency: str
) -> OrgQuarterResult:
    """The figures of consecutive `quarters`: a closed quarter from its stored row while that
    row holds (one statement), the others counted live (six more, seven on SQLite, once, for
    the run of quarters from the first not stored to the last)."""
    closed = [q.label for q in quarters if q.end <= now]
    stored: dict[str, OrgQuarter] = {}
    if closed:
        stored = {
            row.quarter: row
            for row in db.session.scalars(
                sa.select(OrgQuarter).where(
                    OrgQuarter.organization_id == organization_id, OrgQuarter.quarter.in_(closed)
                )
            )
            if _holds(row, now, currency)
        }
    missing = [i for i, q in enumerate(quarters) if q.label not in stored]
    live: dict[int, OrgQuarterFigures] = {}
    if missing:
        span = quarters[missing[0] : missing[-1] + 1]
        counted = count_org_quarters(organization_id, span, now, currency)
        live = {missing[0] + n: figures for n, figures in enumerate(counted)}
    figures = [live[i] if i in live else _from_row(stored[q.label]) for i, q in enumerate(quarters)]
    used = [stored[q.label].computed_at for i, q in enumerate(quarters) if i not in live]
    return OrgQuarterResult(figures, min(used) if used else None)


def _holds(row: OrgQuarter, now: datetime, currency: str) -> bool:
    return row.currency == currency and (row.valid_until is None or now < row.valid_until)


def _from_row(row: OrgQuarter) -> OrgQuarterFigures:
    return OrgQuarterFigures(
        people=PeopleCounts(row.invited, row.certified, row.certificates_issued),
        modules_completed=row.modules_completed,
        activity=ActivityCounts(row.kit_downloads, row.content_views),
        referrals=ReferralCounts(
            submitted=row.submitted,
            accepted=row.accepted,
            won_of_submitted=row.won_of_submitted,
            won=row.won,
            lost=row.lost,
            won_value=row.won_value,
            response_due=row.response_due,
            response_on_time=row.response_on_time,
        ),
        median_response_seconds=row.median_response_seconds,
        commissions=CommissionSums(dict(row.commissions_earned), dict(row.commissions_paid)),
        next_due_at=row.valid_until,
    )


def row_values(
    organization_id: int, quarter: Quarter, figures: OrgQuarterFigures, currency: str
) -> dict[str, object]:
    """The stored row of `figures` (portal/scorecard/rollup.py writes it)."""
    people, activity, referrals = figures.people, figures.activity, figures.referrals
    return {
        "organization_id": organization_id,
        "quarter": quarter.label,
        "currency": currency,
        "invited": people.invited,
        "certified": people.certified,
        "certificates_issued": people.certificates_issued,
        "modules_completed": figures.modules_completed,
        "kit_downloads": activity.kit_downloads,
        "content_views": activity.content_views,
        "submitted": referrals.submitted,
        "accepted": referrals.accepted,
        "won_of_submitted": referrals.won_of_submitted,
        "won": referrals.won,
        "lost": referrals.lost,
        "won_value": referrals.won_value,
        "response_due": referrals.response_due,
        "response_on_time": referrals.response_on_time,
        "median_response_seconds": figures.median_response_seconds,
        "commissions_earned": dict(figures.commissions.earned),
        "commissions_paid": dict(figures.commissions.paid),
        "valid_until": figures.next_due_at,
    }
