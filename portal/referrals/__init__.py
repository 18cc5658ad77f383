"""Referrals, partner side: submission, conflict check, the timeline, commissions and earnings."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.referrals import cli, earnings_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(earnings_views.bp)
    cli.init_app(app)
