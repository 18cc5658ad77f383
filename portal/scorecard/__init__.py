"""The quarterly scorecard: a reporting layer above the features.

It reads the features' models for aggregate queries (the design's one declared exception, as
portal/insights does) and writes nothing; no feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /scorecard, the staff scorecard under each organisation, and
    `flask scorecard refresh`."""
    from portal.scorecard import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.scorecard_cli)
