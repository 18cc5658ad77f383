"""Snapshots of every figure: `flask insights rollup` writes them, /insights reads them.

Live aggregates over a program's full history (a million referrals, millions of activity
events) take seconds; the page has 150 ms. So a documented command, run hourly by cron,
computes every period the selector offers for every filter combination and stores each as
one row (`InsightSnapshot`). The page reads one row and says how old it is. Without a
snapshot for its period (a new database, a quarter that began since the last run) the page
computes its own scope live and says so.

Each run computes the rolling periods and the quarter in progress; a quarter that has ended
changes little, so it is computed again only once a day (or with `--all`). Safe to run on
several machines at once: each row is an upsert on (period, filters).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.content.model import ContentIndex
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.insights.compute import Figures, compute_figures
from portal.insights.models import InsightSnapshot
from portal.insights.periods import Period, offered_periods, period_for
from portal.insights.recruitment import org_facts
from portal.insights.scope import InsightsQuery, all_scopes

__all__ = ["STALE_AFTER", "PageFigures", "RollupReport", "page_figures", "rollup"]

# Past this age the page warns that the hourly rollup has stopped.
STALE_AFTER = timedelta(hours=26)
# A quarter that has ended is refreshed once a day (its "now" figures, late corrections).
CLOSED_QUARTER_REFRESH = timedelta(hours=24)


@dataclass(frozen=True)
class RollupReport:
    periods: list[tuple[str, float]]  # (period key, seconds)
    rows: int
    seconds: float


@dataclass(frozen=True)
class PageFigures:
    figures: Figures
    period: Period  # the windows the figures cover
    computed_at: datetime
    live: bool  # computed for this request (no snapshot yet)

    def is_stale(self, now: datetime) -> bool:
        return not self.live and now - self.computed_at > STALE_AFTER


def rollup(
    content: ContentIndex, now: datetime | None = None, everything: bool = False
) -> RollupReport:
    """Compute and store the periods due (all of them with `everything`) for every filter
    combination; commits after each period."""
    now = now or utcnow()
    started = time.perf_counter()
    scopes = list(all_scopes(content.program))
    facts = org_facts()
    timings: list[tuple[str, float]] = []
    rows = 0
    computed = dict(
        db.session.execute(
            sa.select(InsightSnapshot.period, sa.func.min(InsightSnapshot.computed_at)).group_by(
                InsightSnapshot.period
            )
        ).all()
    )
    offered = [key for key, _label in offered_periods(now)]
    for key in offered:
        period = period_for(key, now)
        assert period is not None
        if not everything and not _due(period, computed.get(key), now):
            continue
        began = time.perf_counter()
        figures = compute_figures(period, content, now, scopes, facts=facts)
        rows += _store(period, figures, now)
        db.session.commit()
        timings.append((key, time.perf_counter() - began))
    # Periods no longer offered, and filters the program no longer has in the periods just done.
    done = [key for key, _seconds in timings]
    db.session.execute(
        sa.delete(InsightSnapshot).where(
            sa.or_(
                InsightSnapshot.period.not_in(offered),
                sa.and_(InsightSnapshot.period.in_(done), InsightSnapshot.computed_at < now),
            )
        )
    )
    db.session.commit()
    return RollupReport(periods=timings, rows=rows, seconds=time.perf_counter() - started)


def _due(period: Period, computed_at: datetime | None, now: datetime) -> bool:
    """Whether a period's snapshots need computing in this run."""
    if computed_at is None or not period.is_quarter or period.current.end >= now:
        return True  # new, rolling, or the quarter in progress
    return computed_at < period.current.end or now - computed_at > CLOSED_QUARTER_REFRESH


def _store(period: Period, figures: dict, now: datetime) -> int:
    values = [
        {
            "period": period.key,
            "partner_type": scope.partner_type,
            "tier": scope.tier,
            "region": scope.region,
            "window_start": period.current.start,
            "window_end": period.current.end,
            "computed_at": now,
            "figures": result,
        }
        for scope, result in figures.items()
    ]
    stmt = insert_for_dialect(InsightSnapshot).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["period", "partner_type", "tier", "region"],
        set_={
            name: getattr(stmt.excluded, name)
            for name in ("window_start", "window_end", "computed_at", "figures")
        },
    )
    db.session.execute(stmt)
    return len(values)


def page_figures(query: InsightsQuery, content: ContentIndex, now: datetime) -> PageFigures:
    """The figures for the page: the period's snapshot (one statement), else computed live."""
    scope = query.scope
    snapshot = db.session.scalar(
        sa.select(InsightSnapshot).where(
            InsightSnapshot.period == query.period.key,
            InsightSnapshot.partner_type == scope.partner_type,
            InsightSnapshot.tier == scope.tier,
            InsightSnapshot.region == scope.region,
        )
    )
    if snapshot is not None:
        period = period_for(query.period.key, snapshot.window_end) or query.period
        return PageFigures(snapshot.figures, period, snapshot.computed_at, live=False)
    figures = compute_figures(query.period, content, now, [scope], query_scope=scope)
    return PageFigures(figures[scope], query.period, now, live=True)
