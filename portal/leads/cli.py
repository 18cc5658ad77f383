"""`flask leads ...`: commands for cron (both idempotent)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

leads_cli = AppGroup("leads", help="Lead jobs (lapsed offers, reminders).")
NOW_HELP = "Act as if it were this moment (ISO 8601 with a zone; for tests and catching up)."


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO 8601 time such as 2026-12-24T09:00:00+00:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a zone, e.g. +00:00")
    return moment


@leads_cli.command("lapse")
@click.option("--now", "now_text", default=None, help=NOW_HELP)
def lapse_command(now_text: str | None) -> None:
    """Return offers not accepted in time and route each lead to the next partner."""
    from portal.leads.jobs import lapse_overdue

    lapsed = lapse_overdue(_now(now_text))
    click.echo(f"Lapsed {lapsed} offer{'' if lapsed == 1 else 's'}.")


@leads_cli.command("remind")
@click.option("--now", "now_text", default=None, help=NOW_HELP)
def remind_command(now_text: str | None) -> None:
    """Remind partners of accepted leads with no stage update for `leads.stale_after_days`."""
    from portal.leads.jobs import send_reminders

    queued = send_reminders(_now(now_text))
    click.echo(f"Queued {queued} reminder{'' if queued == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(leads_cli)
