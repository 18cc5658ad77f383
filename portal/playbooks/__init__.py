"""Talk tracks, battle cards, objection handling and use cases."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.playbooks import handbook_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(handbook_views.bp)
