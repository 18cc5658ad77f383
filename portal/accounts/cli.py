"""`flask users ...`: account commands for operators."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.accounts.credentials import AccountError
from portal.accounts.users import create_admin
from portal.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="The admin's full name (prompted for when absent).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
def create_admin_command(email: str, name: str | None, password_stdin: bool) -> None:
    """Create an admin account with EMAIL (no organisation)."""
    if name is None:
        name = click.prompt("Name")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(email, name, password)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created admin {user.email}.")
