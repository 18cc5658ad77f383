"""`flask insights rollup`: what each run computes, and the command itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.insights.models import InsightSnapshot
from portal.insights.periods import offered_periods
from portal.insights.rollup import rollup

# Mid-quarter, so an hour or a day later the same quarters are offered.
NOW = datetime(2026, 5, 15, 12, tzinfo=UTC)


def _computed() -> dict[str, object]:
    rows = db.session.execute(
        sa.select(InsightSnapshot.period, sa.func.max(InsightSnapshot.computed_at)).group_by(
            InsightSnapshot.period
        )
    )
    return dict(rows.all())


def test_an_hourly_run_leaves_ended_quarters_until_they_are_a_day_old(app):
    content = current_content()
    first = rollup(content, now=NOW)
    keys = [key for key, _ in offered_periods(NOW)]
    assert [key for key, _ in first.periods] == keys

    later = rollup(content, now=NOW + timedelta(hours=1))
    redone = [key for key, _ in later.periods]
    assert redone == keys[:4]  # 30, 90, 365 days and the quarter in progress
    computed = _computed()
    assert all(computed[key] == NOW + timedelta(hours=1) for key in keys[:4])
    assert all(computed[key] == NOW for key in keys[4:])

    next_day = rollup(content, now=NOW + timedelta(hours=25))
    assert len(next_day.periods) == len(keys)
    everything = rollup(content, now=NOW + timedelta(hours=26), everything=True)
    assert len(everything.periods) == len(keys)


def test_the_command_prints_each_period(runner):
    result = runner.invoke(args=["insights", "rollup", "--all"])
    assert result.exit_code == 0, result.output
    assert "period 90:" in result.output
    assert "snapshots written" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InsightSnapshot)) > 0
