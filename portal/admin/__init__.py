"""Admin feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.admin import views

    app.register_blueprint(views.bp)
