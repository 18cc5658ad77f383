"""Compliance: the partner agreement's versions and acceptances (issue 17)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.compliance import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
