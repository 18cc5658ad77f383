"""Sections 3 and 4: the joint pipeline and its conversion beside the direct-sales baseline.

Conversion follows the referrals closed in the period (won, lost, rejected): each reached the
stages up to the one it closed from (a won referral reached them all), and the conversion of a
stage is how many of those that reached it reached the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.extensions import db
from portal.insights.groups import (
    Rows,
    day_key,
    day_text,
    floored,
    hours_between,
    in_window,
    median,
    referral_scope,
)
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.referrals.models import CLOSED_STATUSES, Referral, ReferralEvent, ReferralStatus

__all__ = ["PipelineData", "collect_pipeline", "conversion_figures", "pipeline_figures"]

GROUP = (Organization.partner_type, Organization.tier, Referral.region)
_CLOSED = tuple(str(status) for status in CLOSED_STATUSES)
_ENDED = (ReferralStatus.WON.value, ReferralStatus.LOST.value, ReferralStatus.REJECTED.value)


@dataclass
class PipelineData:
    submitted: tuple[Rows, Rows]  # per involvement: count
    submitted_value: tuple[Rows, Rows]
    accepted: tuple[Rows, Rows]
    won: tuple[Rows, Rows]
    won_value: tuple[Rows, Rows]
    closed: tuple[Rows, Rows]  # per (status, stage a lost referral closed from)
    days_to_close: tuple[Rows, Rows]  # histogram: whole days → won referrals
    daily: Rows  # per (day, "submitted" | "won") in the current window
    open_now: Rows  # per stage: count
    open_value_now: Rows  # per stage


def value_in(program: Program) -> Any:
    """A referral's value in the program currency: the deal value, else the estimate."""
    return sa.case(
        (
            sa.and_(
                Referral.deal_value_minor.is_not(None), Referral.deal_currency == program.currency
            ),
            Referral.deal_value_minor,
        ),
        (Referral.estimated_currency == program.currency, Referral.estimated_value_minor),
        else_=0,
    )


def _grouped(columns: list[Any], conditions: list[Any], scope: Scope, *values: Any) -> list:
    stmt = (
        sa.select(*GROUP, *columns, *values)
        .select_from(Referral)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(*conditions, *referral_scope(scope, Referral.region))
        .group_by(*GROUP, *columns)
    )
    return list(db.session.execute(stmt))


def _split(rows: list, keys: int) -> tuple[Rows, Rows]:
    """Rows of (group, keys, count, amount) as a count Rows and an amount Rows."""
    width = 3 + keys
    return (
        Rows((row[: width + 1] for row in rows), keys=keys, regional=True),
        Rows(([*row[:width], row[width + 1]] for row in rows), keys=keys, regional=True),
    )


def _window_data(window: Window, scope: Scope, program: Program) -> dict[str, Any]:
    count, value = sa.func.count(), sa.func.sum(value_in(program))
    submitted = _grouped(
        [Referral.involvement], [in_window(Referral.submitted_at, window)], scope, count, value
    )
    won_rows = _grouped(
        [],
        [in_window(Referral.closed_at, window), Referral.status == ReferralStatus.WON],
        scope,
        count,
        value,
    )
    accepted = (
        sa.select(*GROUP, sa.func.count(sa.distinct(ReferralEvent.referral_id)))
        .select_from(ReferralEvent)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(
            ReferralEvent.to_status == ReferralStatus.ACCEPTED,
            in_window(ReferralEvent.created_at, window),
            *referral_scope(scope, Referral.region),
        )
        .group_by(*GROUP)
    )
    lost = sa.orm.aliased(ReferralEvent)
    closed = (
        sa.select(*GROUP, Referral.status, lost.from_status, sa.func.count())
        .select_from(Referral)
        .join(Organization, Organization.id == Referral.organization_id)
        .outerjoin(
            lost,
            sa.and_(lost.referral_id == Referral.id, lost.to_status == ReferralStatus.LOST),
        )
        .where(
            in_window(Referral.closed_at, window),
            Referral.status.in_(_ENDED),
            *referral_scope(scope, Referral.region),
        )
        .group_by(*GROUP, Referral.status, lost.from_status)
    )
    days = floored(hours_between(Referral.submitted_at, Referral.closed_at) / 24.0)
    to_close = _grouped(
        [days],
        [in_window(Referral.closed_at, window), Referral.status == ReferralStatus.WON],
        scope,
        sa.func.count(),
    )
    submitted_rows = _split(submitted, keys=1)
    won_split = _split(won_rows, keys=0)
    return {
        "submitted": submitted_rows[0],
        "submitted_value": submitted_rows[1],
        "won": won_split[0],
        "won_value": won_split[1],
        "accepted": Rows(db.session.execute(accepted), regional=True),
        "closed": Rows(db.session.execute(closed), keys=2, regional=True),
        "days_to_close": Rows(to_close, keys=1, regional=True),
    }


def collect_pipeline(period: Period, scope: Scope, program: Program) -> PipelineData:
    """Run the sections' queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    current = _window_data(period.current, scope, program)
    previous = _window_data(period.previous, scope, program)
    window = period.current
    submitted_days = _grouped(
        [day_text(Referral.submitted_at)],
        [in_window(Referral.submitted_at, window)],
        scope,
        sa.func.count(),
    )
    won_days = _grouped(
        [day_text(Referral.closed_at)],
        [in_window(Referral.closed_at, window), Referral.status == ReferralStatus.WON],
        scope,
        sa.func.count(),
    )
    # (group, day, what, count): what the day's count is of.
    daily = [(*row[:3], day_key(row[3]), "submitted", row[4]) for row in submitted_days]
    daily += [(*row[:3], day_key(row[3]), "won", row[4]) for row in won_days]
    open_rows = _grouped(
        [Referral.status],
        [Referral.status.not_in(_CLOSED)],
        scope,
        sa.func.count(),
        sa.func.sum(value_in(program)),
    )
    open_now, open_value_now = _split(open_rows, keys=1)
    return PipelineData(
        **{name: (current[name], previous[name]) for name in current},
        daily=Rows(daily, keys=2, regional=True),
        open_now=open_now,
        open_value_now=open_value_now,
    )


def _pair(rows: tuple[Rows, Rows], scope: Scope) -> list[int]:
    return [rows[0].total(scope), rows[1].total(scope)]


def pipeline_figures(data: PipelineData, scope: Scope, program: Program) -> dict[str, Any]:
    """Section 3 for one scope."""
    involvement = [rows.by_key(scope) for rows in data.submitted]
    open_count = data.open_now.by_key(scope)
    open_value = data.open_value_now.by_key(scope)
    stages = [s for s in ("submitted", "conflict", *program.pipeline_stages) if s not in _ENDED]
    daily = data.daily.by_keys(scope)
    return {
        "submitted": _pair(data.submitted, scope),
        "submitted_value": _pair(data.submitted_value, scope),
        "accepted": _pair(data.accepted, scope),
        "won": _pair(data.won, scope),
        "won_value": _pair(data.won_value, scope),
        "sourced": [involvement[0].get("sourced", 0), involvement[1].get("sourced", 0)],
        "influenced": [involvement[0].get("influenced", 0), involvement[1].get("influenced", 0)],
        "open_by_stage": [
            [stage, open_count.get(stage, 0), open_value.get(stage, 0)]
            for stage in dict.fromkeys(stages)
        ],
        "daily": sorted([day, what, count] for (day, what), count in daily.items()),
    }


def _reached(closed: dict[tuple[Any, ...], int], program: Program) -> dict[str, int]:
    """How many closed referrals reached each pipeline stage (won included)."""
    stages = [s for s in program.pipeline_stages if s != ReferralStatus.LOST]
    rank = {stage: index for index, stage in enumerate(stages)}
    reached = dict.fromkeys(stages, 0)
    for (status, lost_from), count in closed.items():
        if status == ReferralStatus.WON:
            top = len(stages) - 1
        elif status == ReferralStatus.LOST:
            top = rank.get(lost_from or "", 1)  # lost is only possible once accepted
        else:
            top = 0  # rejected at triage: it was submitted, nothing more
        for stage in stages[: top + 1]:
            reached[stage] += count
    return reached


def _conversion(closed: dict[tuple[Any, ...], int], program: Program) -> dict[str, Any]:
    reached = _reached(closed, program)
    stages = list(reached)
    won = sum(c for (status, _), c in closed.items() if status == ReferralStatus.WON)
    lost = sum(c for (status, _), c in closed.items() if status == ReferralStatus.LOST)
    return {
        "reached": [[stage, reached[stage]] for stage in stages],
        "won": won,
        "lost": lost,
        "rejected": sum(
            c for (status, _), c in closed.items() if status == ReferralStatus.REJECTED
        ),
    }


def conversion_figures(data: PipelineData, scope: Scope, program: Program) -> dict[str, Any]:
    """Section 4 for one scope: reached per stage, won/lost, median days to close."""
    result = {}
    for label, closed, days in (
        ("current", data.closed[0], data.days_to_close[0]),
        ("previous", data.closed[1], data.days_to_close[1]),
    ):
        figures = _conversion(closed.by_keys(scope), program)
        figures["median_days_to_close"] = median(days.by_key(scope))
        result[label] = figures
    return result
