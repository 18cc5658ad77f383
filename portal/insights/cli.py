"""`flask insights rollup`: refresh the snapshots /insights reads (run hourly from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.content_runtime import current_content
from portal.insights.rollup import rollup

insights_cli = AppGroup("insights", help="Program insights: the figures behind /insights.")


@insights_cli.command("rollup")
@click.option("--all", "everything", is_flag=True, help="Also the quarters that have ended.")
def rollup_command(everything: bool) -> None:
    """Compute the periods of /insights for every filter combination and store them.

    Documented as an hourly cron job: each run does the rolling periods and the quarter in
    progress; ended quarters once a day. Safe to run on several machines at once.
    """
    report = rollup(current_content(), everything=everything)
    for key, seconds in report.periods:
        click.echo(f"period {key}: {seconds:.2f} s")
    click.echo(f"{report.rows} snapshots written in {report.seconds:.1f} s.")
