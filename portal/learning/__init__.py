"""Learning feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.learning import certificate_views, views  # noqa: F401 (adds its routes to bp)

    app.register_blueprint(views.bp)
