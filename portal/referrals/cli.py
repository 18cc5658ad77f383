"""`flask referrals ...`: commands for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

referrals_cli = AppGroup("referrals", help="Referral jobs (SLA reminders).")


@referrals_cli.command("remind")
def remind_command() -> None:
    """Queue one reminder per SLA breach to the referral's owner (or the partner team)."""
    from portal.referrals.reminders import send_reminders

    queued = send_reminders()
    click.echo(f"Queued {queued} reminder{'' if queued == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(referrals_cli)


__all__ = ["click", "referrals_cli"]
