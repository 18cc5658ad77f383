"""`flask tiers evaluate`: the daily tier evaluation (run it from cron on any machine)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal.content_runtime import current_content
from portal.standing.evaluation import BATCH_SIZE, evaluate_all

tiers_cli = AppGroup("tiers", help="Partner tiers: the daily evaluation.")


@tiers_cli.command("evaluate")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=BATCH_SIZE,
    show_default=True,
    help="Organisations judged per transaction.",
)
def evaluate(batch_size: int) -> None:
    """Judge every organisation against the tier requirements; record upgrades, grace periods
    and reviews. Safe to run on several machines at once; a second run the same day does
    nothing."""
    started = time.perf_counter()
    program = current_content().program
    report = evaluate_all(program, batch_size=batch_size)
    seconds = time.perf_counter() - started
    click.echo(
        f"Evaluated {report.organizations} organisation(s) for {report.run_on.isoformat()} "
        f"in {seconds:.1f} s: {report.total_changes} change(s)."
    )
    for kind, count in sorted(report.changes.items()):
        click.echo(f"  {kind.replace('_', ' ')}: {count}")
