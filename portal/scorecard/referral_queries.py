"""The scorecard's aggregate reads of an organisation's referrals: the quarterly cohorts, the
deals closed, the median first response and the open pipeline, each in one statement that
reads an index range (portal/scorecard/indexes.py), whatever the organisation's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.models import Referral, ReferralStatus
from portal.scorecard.quarters import Quarter
from portal.scorecard.sql import bucket, count_when, sum_when, window

__all__ = [
    "NOT_ACCEPTED",
    "PipelineStage",
    "QuarterReferrals",
    "ReferralCounts",
    "open_pipeline",
    "quarter_referrals",
]

# A referral that is still waiting for triage, or was turned away, never entered the pipeline;
# every other status was accepted first (portal/referrals rejects only unaccepted ones).
NOT_ACCEPTED = (
    ReferralStatus.SUBMITTED.value,
    ReferralStatus.CONFLICT.value,
    ReferralStatus.REJECTED.value,
)


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


@dataclass(frozen=True)
class QuarterReferrals:
    """One quarter's referral figures, the median first response of its cohort, and the first
    moment after the count a referral of the cohort falls due for its first response (its SLA
    figures change then by themselves; None: none will)."""

    counts: ReferralCounts
    median_response_seconds: float | None
    next_due_at: datetime | None


def quarter_referrals(
    organization_id: int, quarters: Sequence[Quarter], now: datetime, currency: str
) -> list[QuarterReferrals]:
    """The organisation's referral figures for each quarter.

    One statement of two parts: the referrals submitted in the window by quarter of
    submission, and the deals closed in the window by quarter of closing (each reads only its
    window's rows, through an index). On PostgreSQL the cohorts' median first response is
    computed in the same pass (`percentile_cont ... FILTER`): a large partner's open quarter
    is one range of ~15,000 index entries, read once instead of twice. SQLite has no
    percentile function; there the medians take a second statement (_ranked_medians).
    """
    postgresql = _dialect() == "postgresql"
    r = Referral
    won = r.status == ReferralStatus.WON.value
    due = r.first_response_due_at <= now
    submitted_in = bucket(r.submitted_at, quarters)
    median: sa.ColumnElement[Any] = sa.cast(sa.null(), sa.Float)
    if postgresql:
        median = (
            sa.func.percentile_cont(0.5)
            .within_group(_seconds_between(r.first_responded_at, r.submitted_at))
            .filter(r.first_responded_at.is_not(None))
        )
    cohorts = (
        sa.select(
            sa.literal(_COHORT).label("part"),
            submitted_in.label("quarter"),
            sa.func.count().label("a"),  # submitted
            count_when(r.status.not_in(NOT_ACCEPTED)).label("b"),  # accepted
            count_when(won).label("c"),  # won_of_submitted
            count_when(due).label("d"),  # response_due
            count_when(due, r.first_responded_at <= r.first_response_due_at).label("e"),
            sa.func.min(sa.case((r.first_response_due_at > now, r.first_response_due_at))).label(
                "next_due"
            ),
            median.label("median"),
        )
        .where(r.organization_id == organization_id, window(r.submitted_at, quarters))
        .group_by(submitted_in)
    )
    closed_in = bucket(r.closed_at, quarters)
    closed = (
        sa.select(
            sa.literal(_CLOSED).label("part"),
            closed_in.label("quarter"),
            count_when(won).label("a"),  # won
            count_when(r.status == ReferralStatus.LOST.value).label("b"),  # lost
            sum_when(r.deal_value_minor, won, r.deal_currency == currency).label("c"),  # value
            sa.literal(0).label("d"),
            sa.literal(0).label("e"),
            sa.cast(sa.null(), r.first_response_due_at.type).label("next_due"),
            sa.cast(sa.null(), sa.Float).label("median"),
        )
        .where(
            r.organization_id == organization_id,
            r.status.in_((ReferralStatus.WON.value, ReferralStatus.LOST.value)),
            window(r.closed_at, quarters),
        )
        .group_by(closed_in)
    )
    parts = sa.union_all(cohorts, closed).subquery()
    rows = db.session.execute(sa.select(parts)).all()
    figures: list[dict[str, int]] = [
        dict.fromkeys(ReferralCounts.__dataclass_fields__, 0) for _ in quarters
    ]
    next_due: list[datetime | None] = [None for _ in quarters]
    medians: list[float | None] = [None for _ in quarters]
    for row in rows:
        names = _COHORT_FIELDS if row.part == _COHORT else _CLOSED_FIELDS
        values = (row.a, row.b, row.c, row.d, row.e)
        i = int(row.quarter)
        figures[i].update({name: int(v or 0) for name, v in zip(names, values, strict=False)})
        if row.part == _COHORT:
            next_due[i] = _as_utc(row.next_due)
            if row.median is not None:
                medians[i] = max(float(row.median), 0.0)
    if not postgresql:
        medians = _ranked_medians(organization_id, quarters)
    return [
        QuarterReferrals(ReferralCounts(**f), m, d)
        for f, m, d in zip(figures, medians, next_due, strict=True)
    ]


_COHORT, _CLOSED = 0, 1
_COHORT_FIELDS = ("submitted", "accepted", "won_of_submitted", "response_due", "response_on_time")
_CLOSED_FIELDS = ("won", "lost", "won_value")


def _as_utc(value: Any) -> datetime | None:
    """The union's `next_due`: a datetime on PostgreSQL, text on SQLite (no column type
    survives MIN over a CASE there)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _seconds_between(later: Any, earlier: Any) -> sa.ColumnElement[float]:
    """`later - earlier` in seconds, on SQLite (text times) and on PostgreSQL."""
    if _dialect() == "sqlite":
        return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0
    return sa.cast(sa.func.extract("epoch", later - earlier), sa.Float)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _ranked_medians(organization_id: int, quarters: Sequence[Quarter]) -> list[float | None]:
    """SQLite's median seconds to the partner team's first response, per quarter of
    submission, over the referrals submitted in the window and answered (one statement):
    SQLite has no percentile function, so the answered referrals are ranked by response time
    within their quarter and only the middle one or two of each quarter come back.
    """
    r = Referral
    quarter_of_submission = bucket(r.submitted_at, quarters)
    seconds = _seconds_between(r.first_responded_at, r.submitted_at)
    answered = sa.and_(
        r.organization_id == organization_id,
        window(r.submitted_at, quarters),
        r.first_responded_at.is_not(None),
    )
    ranked = (
        sa.select(
            quarter_of_submission.label("quarter"),
            seconds.label("seconds"),
            sa.func.row_number()
            .over(partition_by=quarter_of_submission, order_by=seconds)
            .label("position"),
            sa.func.count().over(partition_by=quarter_of_submission).label("answered"),
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
