"""`flask scorecard ...`: commands for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.db_types import utcnow
from portal.extensions import db
from portal.scorecard.program import REFRESHED_QUARTERS, refresh_program_outcomes

scorecard_cli = AppGroup("scorecard", help="Scorecard jobs (the program's stored figures).")


@scorecard_cli.command("refresh")
@click.option(
    "--quarters",
    type=click.IntRange(1, 40),
    default=REFRESHED_QUARTERS,
    show_default=True,
    help="How many quarters, up to the current one, to recount.",
)
def refresh_command(quarters: int) -> None:
    """Recount the program's won and lost deals per quarter (cron: hourly)."""
    done = refresh_program_outcomes(utcnow(), quarters)
    db.session.commit()
    click.echo(
        f"Stored the program's win rate for {done[0].label} to {done[-1].label} "
        f"({len(done)} quarter{'' if len(done) == 1 else 's'})."
    )
