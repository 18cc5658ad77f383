"""`flask scorecard ...`: commands for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.scorecard.program import REFRESHED_QUARTERS, refresh_program_outcomes
from portal.scorecard.rollup import (
    REFRESHED_CLOSED_QUARTERS,
    quarters_to_refresh,
    refresh_org_quarters,
)

scorecard_cli = AppGroup("scorecard", help="Scorecard jobs (the stored figures).")


@scorecard_cli.command("refresh")
@click.option(
    "--quarters",
    type=click.IntRange(1, 40),
    default=REFRESHED_QUARTERS,
    show_default=True,
    help="How many quarters, up to the current one, of the program's win rate to recount.",
)
@click.option(
    "--closed-quarters",
    "closed_count",
    type=click.IntRange(1, 40),
    default=REFRESHED_CLOSED_QUARTERS,
    show_default=True,
    help="How many closed quarters of every organisation's figures to recount (older ones "
    "nothing is stored for yet are filled in too).",
)
@click.option(
    "--all", "everything", is_flag=True, help="Recount every organisation's closed quarters."
)
@click.option("--program-only", is_flag=True, help="Only the program's win rate (the hourly run).")
def refresh_command(quarters: int, closed_count: int, everything: bool, program_only: bool) -> None:
    """Recount the program's won and lost deals per quarter (cron: hourly, --program-only)
    and every organisation's figures for the recent closed quarters (cron: daily)."""
    now = utcnow()
    done = refresh_program_outcomes(now, quarters)
    db.session.commit()
    click.echo(
        f"Stored the program's win rate for {done[0].label} to {done[-1].label} "
        f"({len(done)} quarter{'' if len(done) == 1 else 's'})."
    )
    if program_only:
        return
    closed = quarters_to_refresh(now, None if everything else closed_count)
    if not closed:
        click.echo("No closed quarter to store yet.")
        return
    orgs = refresh_org_quarters(now, closed, current_content().program.currency)
    click.echo(
        f"Stored {orgs} organisation{'' if orgs == 1 else 's'}' figures for {closed[0].label} "
        f"to {closed[-1].label} ({len(closed)} closed quarter{'' if len(closed) == 1 else 's'})."
    )
