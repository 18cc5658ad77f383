"""The scorecard's aggregate reads: one statement per kind of figure, whatever the data size.

Each function reads every quarter asked for in the same statement: a column per quarter
(`COUNT(CASE WHEN <in quarter> THEN 1 END)`), never a statement per quarter or per row. The
reporting layer reads the features' tables directly (the design's one exception); no feature
imports this package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Invite, User
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.kits.service import KIT_DOWNLOAD
from portal.learning.models import Certification, ModuleCompletion
from portal.referrals.models import (
    Commission,
    Referral,
    ReferralStatus,
)
from portal.scorecard.quarters import Quarter

__all__ = [
    "CONTENT_VIEW",
    "NOT_ACCEPTED",
    "ActivityCounts",
    "CommissionSums",
    "PeopleCounts",
    "PipelineStage",
    "ReferralCounts",
    "activity_counts",
    "commission_sums",
    "first_response_medians",
    "module_completions",
    "open_pipeline",
    "people_counts",
    "referral_counts",
]

# The activity kind portal.audit records for a module, playbook or program page opened (at
# most once per user, document and day): the engagement figure "content views".
CONTENT_VIEW = "content_view"
# A referral that is still waiting for triage, or was turned away, never entered the pipeline;
# every other status was accepted first (portal/referrals rejects only unaccepted ones).
NOT_ACCEPTED = (
    ReferralStatus.SUBMITTED.value,
    ReferralStatus.CONFLICT.value,
    ReferralStatus.REJECTED.value,
)


def _during(column: Any, quarter: Quarter) -> sa.ColumnElement[bool]:
    return sa.and_(column >= quarter.start, column < quarter.end)


def _window(column: Any, quarters: Sequence[Quarter]) -> sa.ColumnElement[bool]:
    """From the first quarter's start up to the last one's end."""
    return sa.and_(column >= quarters[0].start, column < quarters[-1].end)


def _bucket(column: Any, quarters: Sequence[Quarter]) -> sa.ColumnElement[int]:
    """Which of the quarters (0 = the first) a time inside the window falls in."""
    last = len(quarters) - 1
    return sa.case(*((column < q.end, i) for i, q in enumerate(quarters[:last])), else_=last)


def _count_when(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((sa.and_(*conditions), 1)))


def _sum_when(value: Any, *conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conditions), value), else_=0)), 0)


def _per_quarter(row: Any, names: Sequence[str], quarters: Sequence[Quarter]) -> list[dict]:
    """A wide row (`name_0`, `name_1`, ...) as one dict of figures per quarter."""
    mapping = row._mapping
    return [
        {name: int(mapping[f"{name}_{i}"] or 0) for name in names} for i in range(len(quarters))
    ]


# --- people and enablement -----------------------------------------------------------------


@dataclass(frozen=True)
class PeopleCounts:
    invited: int  # everyone invited to, or joined, the organisation by the quarter's end
    certified: int  # people holding a current certificate at the quarter's end
    certificates_issued: int  # in the quarter


def people_counts(
    organization_id: int, quarters: Sequence[Quarter], now: datetime
) -> list[PeopleCounts]:
    """People invited and people certified at each quarter's end (or now), in two statements."""
    emails = sa.union_all(
        sa.select(Invite.email.label("email"), Invite.created_at.label("at")).where(
            Invite.organization_id == organization_id
        ),
        sa.select(User.email.label("email"), User.created_at.label("at")).where(
            User.organization_id == organization_id
        ),
    ).subquery()
    email = sa.func.lower(emails.c.email)
    invited = db.session.execute(
        sa.select(
            *(
                sa.func.count(sa.distinct(sa.case((emails.c.at < _until(q, now), email)))).label(
                    f"invited_{i}"
                )
                for i, q in enumerate(quarters)
            )
        )
    ).one()
    columns = []
    for i, quarter in enumerate(quarters):
        at = _until(quarter, now)
        current = sa.and_(
            Certification.issued_at < at,
            sa.or_(Certification.revoked_at.is_(None), Certification.revoked_at >= at),
            sa.or_(Certification.expires_at.is_(None), Certification.expires_at >= at),
        )
        columns += [
            sa.func.count(sa.distinct(sa.case((current, Certification.user_id)))).label(
                f"certified_{i}"
            ),
            _count_when(_during(Certification.issued_at, quarter)).label(f"issued_{i}"),
        ]
    certified = db.session.execute(
        sa.select(*columns).where(Certification.organization_id == organization_id)
    ).one()
    people = _per_quarter(invited, ("invited",), quarters)
    certs = _per_quarter(certified, ("certified", "issued"), quarters)
    return [
        PeopleCounts(p["invited"], c["certified"], c["issued"])
        for p, c in zip(people, certs, strict=True)
    ]


def _until(quarter: Quarter, now: datetime) -> datetime:
    """Where a quarter's "by the end" figures are read: its end, or now while it runs."""
    return min(quarter.end, now)


def module_completions(organization_id: int, quarters: Sequence[Quarter]) -> list[int]:
    """Modules passed by the organisation's people in each quarter (one statement)."""
    row = db.session.execute(
        sa.select(
            *(
                _count_when(_during(ModuleCompletion.completed_at, q)).label(f"modules_{i}")
                for i, q in enumerate(quarters)
            )
        )
        .join(User, User.id == ModuleCompletion.user_id)
        .where(
            User.organization_id == organization_id,
            _window(ModuleCompletion.completed_at, quarters),
        )
    ).one()
    return [q["modules"] for q in _per_quarter(row, ("modules",), quarters)]


@dataclass(frozen=True)
class ActivityCounts:
    kit_downloads: int
    content_views: int


def activity_counts(organization_id: int, quarters: Sequence[Quarter]) -> list[ActivityCounts]:
    """Kit downloads and content views in each quarter (one statement).

    A count per quarter and kind, each an index range on `ix_activity_events_org_kind_created`
    counted from the index alone: cheaper than sorting every event of the window into quarters.
    """
    a = ActivityEvent

    def count(kind: str, quarter: Quarter) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(a)
            .where(
                a.organization_id == organization_id, a.kind == kind, _during(a.created_at, quarter)
            )
            .scalar_subquery()
        )

    row = db.session.execute(
        sa.select(
            *(
                count(kind, q).label(f"{name}_{i}")
                for i, q in enumerate(quarters)
                for name, kind in (("downloads", KIT_DOWNLOAD), ("views", CONTENT_VIEW))
            )
        )
    ).one()
    return [
        ActivityCounts(q["downloads"], q["views"])
        for q in _per_quarter(row, ("downloads", "views"), quarters)
    ]


# --- referrals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralCounts:
    """One quarter of the organisation's referrals.

    `submitted`, `accepted`, `won_of_submitted` and the SLA figures follow the referrals
    submitted in the quarter (a cohort, so accepted ≤ submitted); `won`, `lost` and
    `won_value` count deals closed in the quarter, whenever they were submitted.
    """

    submitted: int
    accepted: int
    won_of_submitted: int
    won: int
    lost: int
    won_value: int  # minor units of the program currency, deals closed won in the quarter
    response_due: int  # submitted in the quarter and the first response due by now
    response_on_time: int  # ... and answered by its due time


def referral_counts(
    organization_id: int, quarters: Sequence[Quarter], now: datetime, currency: str
) -> list[ReferralCounts]:
    """The organisation's referral figures for each quarter, in two statements: the
    referrals submitted in the window by quarter of submission, and the deals closed in the
    window by quarter of closing (each reads only its window's rows, through an index)."""
    r = Referral
    won = r.status == ReferralStatus.WON.value
    due = r.first_response_due_at <= now
    submitted_in = _bucket(r.submitted_at, quarters)
    cohorts = db.session.execute(
        sa.select(
            submitted_in.label("quarter"),
            sa.func.count().label("submitted"),
            _count_when(r.status.not_in(NOT_ACCEPTED)).label("accepted"),
            _count_when(won).label("won_of_submitted"),
            _count_when(due).label("response_due"),
            _count_when(due, r.first_responded_at <= r.first_response_due_at).label(
                "response_on_time"
            ),
        )
        .where(r.organization_id == organization_id, _window(r.submitted_at, quarters))
        .group_by(submitted_in)
    ).all()
    closed_in = _bucket(r.closed_at, quarters)
    closed = db.session.execute(
        sa.select(
            closed_in.label("quarter"),
            _count_when(won).label("won"),
            _count_when(r.status == ReferralStatus.LOST.value).label("lost"),
            _sum_when(r.deal_value_minor, won, r.deal_currency == currency).label("won_value"),
        )
        .where(
            r.organization_id == organization_id,
            r.status.in_((ReferralStatus.WON.value, ReferralStatus.LOST.value)),
            _window(r.closed_at, quarters),
        )
        .group_by(closed_in)
    ).all()
    figures: list[dict[str, int]] = [
        dict.fromkeys(ReferralCounts.__dataclass_fields__, 0) for _ in quarters
    ]
    for row in (*cohorts, *closed):
        values = row._mapping
        figures[int(values["quarter"])].update(
            {name: int(value or 0) for name, value in values.items() if name != "quarter"}
        )
    return [ReferralCounts(**f) for f in figures]


def _seconds_between(later: Any, earlier: Any) -> sa.ColumnElement[float]:
    """`later - earlier` in seconds, on SQLite (text times) and on PostgreSQL."""
    if _dialect() == "sqlite":
        return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0
    return sa.func.extract("epoch", later - earlier)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def first_response_medians(organization_id: int, quarters: Sequence[Quarter]) -> list[float | None]:
    """The median seconds to the partner team's first response, per quarter of submission,
    over the referrals submitted in the window and answered (one statement).

    PostgreSQL computes it with `percentile_cont`; SQLite has no percentile function, so there
    the answered referrals are ranked by response time within their quarter and only the
    middle one or two of each quarter come back.
    """
    r = Referral
    bucket = _bucket(r.submitted_at, quarters)
    seconds = _seconds_between(r.first_responded_at, r.submitted_at)
    answered = sa.and_(
        r.organization_id == organization_id,
        _window(r.submitted_at, quarters),
        r.first_responded_at.is_not(None),
    )
    if _dialect() == "postgresql":
        rows = db.session.execute(
            sa.select(bucket, sa.func.percentile_cont(0.5).within_group(seconds))
            .where(answered)
            .group_by(bucket)
        ).all()
        medians = {int(quarter): float(value) for quarter, value in rows}
        return [max(medians[i], 0.0) if i in medians else None for i in range(len(quarters))]
    ranked = (
        sa.select(
            bucket.label("quarter"),
            seconds.label("seconds"),
            sa.func.row_number().over(partition_by=bucket, order_by=seconds).label("position"),
            sa.func.count().over(partition_by=bucket).label("answered"),
        )
        .where(answered)
        .subquery()
    )
    middle = db.session.execute(
        sa.select(ranked.c.quarter, ranked.c.seconds).where(
            ranked.c.position.in_([(ranked.c.answered + 1) // 2, (ranked.c.answered + 2) // 2])
        )
    ).all()
    values: dict[int, list[float]] = {}
    for quarter, value in middle:
        values.setdefault(int(quarter), []).append(max(float(value), 0.0))
    return [sum(values[i]) / len(values[i]) if i in values else None for i in range(len(quarters))]


@dataclass(frozen=True)
class PipelineStage:
    """Open referrals in one status now, with their estimated value per currency."""

    status: str
    count: int
    estimated: dict[str, int]  # currency -> minor units


def open_pipeline(organization_id: int, open_statuses: Sequence[str]) -> list[PipelineStage]:
    """The organisation's open referrals by status now (one statement, an index range per
    status on `ix_referrals_org_status_closed`), in no set order."""
    r = Referral
    rows = db.session.execute(
        sa.select(
            r.status, r.estimated_currency, sa.func.count(), sa.func.sum(r.estimated_value_minor)
        )
        .where(r.organization_id == organization_id, r.status.in_(open_statuses))
        .group_by(r.status, r.estimated_currency)
    ).all()
    counts: dict[str, int] = {}
    estimated: dict[str, dict[str, int]] = {}
    for status, currency, count, value in rows:
        counts[status] = counts.get(status, 0) + int(count)
        per_currency = estimated.setdefault(status, {})
        per_currency[currency] = per_currency.get(currency, 0) + int(value or 0)
    return [PipelineStage(status, counts[status], estimated[status]) for status in counts]


# --- commissions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionSums:
    """Commission amounts per currency (minor units) for one quarter."""

    earned: dict[str, int]  # commissions created in the quarter (a deal won), any status
    paid: dict[str, int]  # paid out in the quarter


def commission_sums(organization_id: int, quarters: Sequence[Quarter]) -> list[CommissionSums]:
    """Commissions earned and paid in each quarter, per currency (one statement)."""
    c = Commission
    columns = []
    for i, quarter in enumerate(quarters):
        columns += [
            _sum_when(c.amount_minor, _during(c.created_at, quarter)).label(f"earned_{i}"),
            _sum_when(c.amount_minor, _during(c.paid_at, quarter)).label(f"paid_{i}"),
        ]
    rows = db.session.execute(
        sa.select(c.currency, *columns)
        .where(c.organization_id == organization_id)
        .group_by(c.currency)
        .order_by(c.currency)
    ).all()
    sums = [CommissionSums({}, {}) for _ in quarters]
    for row in rows:
        for i, figures in enumerate(_per_quarter(row, ("earned", "paid"), quarters)):
            if figures["earned"]:
                sums[i].earned[row.currency] = figures["earned"]
            if figures["paid"]:
                sums[i].paid[row.currency] = figures["paid"]
    return sums
