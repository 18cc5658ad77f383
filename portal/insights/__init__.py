"""The reporting layer: program indicators on /insights, above every feature.

It reads the features' models for aggregate queries; no feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /insights, `flask insights rollup`, and the organisation list's attention
    flags (portal/staff may not import the layer that defines them)."""
    from portal.insights import cli, flags, views
    from portal.staff.attention import register_attention_flags

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.insights_cli)
    register_attention_flags(app, flags.ATTENTION_FLAGS)
