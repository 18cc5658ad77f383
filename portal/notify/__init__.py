"""Notify feature: the transactional outbox and its mail backends."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.notify import cli

    app.cli.add_command(cli.outbox_cli)
