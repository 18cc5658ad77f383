"""CLI commands that belong to the whole app rather than one feature."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.content_runtime import current_content

demo_cli = AppGroup("demo", help="Demo data for trying the portal locally.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load demo organisations and users into an empty database, then print the logins."""
    # Imported here: the demo data (and Pillow, which draws its logos) is for this command only,
    # not for every web worker.
    from portal.demo import existing_demo_logins, load_demo, load_demo_history_after_demo
    from portal.insights.rollup import rollup

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("refusing to load demo data with PORTAL_ENV=production")
    loaded = load_demo(current_content())
    click.echo("Demo data loaded." if loaded else "Database not empty; demo data left as it is.")
    if loaded:
        organisations = load_demo_history_after_demo(current_content())
        click.echo(f"Demo history loaded: {organisations} more organisations over 15 months.")
        report = rollup(current_content())
        click.echo(f"Insights rolled up ({report.rows} snapshots, {report.seconds:.1f} s).")
    logins = existing_demo_logins()
    if not logins:
        click.echo("No demo accounts in this database.")
        return
    click.echo("Demo logins (email password role organisation):")
    for login in logins:
        click.echo(f"{login.email} {login.password} {login.role} {login.organization}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
