"""`flask insights rollup`: refresh the snapshots /insights reads (run hourly from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.content_runtime import current_content
from portal.insights.rollup import rollup

insights_cli = AppGroup("insights", help="Program insights: the figures behind /insights.")


@insights_cli.command("rollup")
def rollup_command() -> None:
    """Compute every period and filter combination of /insights and store them.

    Documented as an hourly cron job; safe to run on several machines at once.
    """
    report = rollup(current_content())
    for key, seconds in report.periods:
        click.echo(f"period {key}: {seconds:.2f} s")
    click.echo(f"{report.rows} snapshots written in {report.seconds:.1f} s.")
