"""The public partner directory and the partner profiles behind it (issue 18, part 1)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public, partner and staff blueprints, the upload hook and the CLI."""
    from portal.directory import cli, partner_views, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(partner_views.bp)
    app.register_blueprint(staff_views.bp)
    # Before CSRFProtect's hook, which reads the body: the logo's size limit must apply first.
    app.before_request_funcs.setdefault(None, []).insert(0, partner_views.allow_a_logo)
    cli.init_app(app)
