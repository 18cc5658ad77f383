"""`flask referrals ...`: commands for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

referrals_cli = AppGroup("referrals", help="Referral jobs (SLA reminders).")


def init_app(app: Flask) -> None:
    app.cli.add_command(referrals_cli)


__all__ = ["click", "referrals_cli"]
