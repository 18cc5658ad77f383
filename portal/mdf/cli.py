"""`flask mdf ...`: commands for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

mdf_cli = AppGroup("mdf", help="Market development funds jobs.")


@mdf_cli.command("expire")
def expire_command() -> None:
    """Release approved funds whose claim deadline passed (daily, e.g. `15 2 * * *`)."""
    from portal.content_runtime import current_content
    from portal.db_types import utcnow
    from portal.extensions import db
    from portal.mdf.expiry import expire_unclaimed

    rules = current_content().program.mdf
    if rules is None:
        click.echo("The program has no MDF section: nothing to expire.")
        return
    today = utcnow().date()
    total = 0
    while True:  # one transaction per batch: a long run never holds every row lock at once
        expired = expire_unclaimed(today, rules)
        db.session.commit()
        total += expired
        if expired == 0:
            break
    click.echo(f"Expired {total} unclaimed approval{'' if total == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(mdf_cli)
