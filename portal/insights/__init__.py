"""The reporting layer: program indicators on /insights, above every feature.

It reads the features' models for aggregate queries; no feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /insights and `flask insights rollup`."""
    from portal.insights import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.insights_cli)
