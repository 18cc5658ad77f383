"""`flask compliance ...`: commands for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

compliance_cli = AppGroup("compliance", help="Compliance jobs (partner agreement reminders).")


@compliance_cli.command("remind")
def remind_command() -> None:
    """Queue the partner agreement reminders due today (each one at most once)."""
    from portal.compliance.reminders import send_agreement_reminders
    from portal.content_runtime import current_content
    from portal.extensions import db

    queued = send_agreement_reminders(current_content().program)
    db.session.commit()
    click.echo(f"Queued {queued} e-mail{'' if queued == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(compliance_cli)
