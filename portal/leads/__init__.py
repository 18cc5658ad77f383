"""Vendor leads: entered or imported by staff, routed to partners by program.yml's rules,
accepted or declined by the partner, and worked as the partner's opportunities."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.leads import cli, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    staff_views.init_upload_limits(app)
    cli.init_app(app)
