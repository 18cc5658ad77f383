"""`flask directory refresh`: recompute the directory's listing figures (daily cron)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal.content_runtime import current_content
from portal.directory.listing import refresh_counts
from portal.extensions import db

directory_cli = AppGroup("directory", help="The public partner directory.")


@directory_cli.command("refresh")
def refresh() -> None:
    """Recompute every profile's certified people per path, accepted referrals and search text."""
    updated = refresh_counts(program=current_content().program)
    db.session.commit()
    click.echo(f"directory: refreshed the figures of {updated} profiles")


def init_app(app: Flask) -> None:
    app.cli.add_command(directory_cli)
