"""`flask compliance ...`: commands for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

compliance_cli = AppGroup(
    "compliance", help="Compliance jobs (agreement and document expiry reminders)."
)


@compliance_cli.command("remind")
def remind_command() -> None:
    """Queue the agreement and document expiry reminders due today (each at most once)."""
    from portal.compliance.document_reminders import send_document_reminders
    from portal.compliance.reminders import send_agreement_reminders
    from portal.content_runtime import current_content
    from portal.extensions import db

    program = current_content().program
    queued = send_agreement_reminders(program) + send_document_reminders(program)
    db.session.commit()
    click.echo(f"Queued {queued} e-mail{'' if queued == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(compliance_cli)
