"""Main feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.main import brand, content_images, views

    app.register_blueprint(views.bp)
    brand.init_app(app)
    app.register_blueprint(content_images.bp)
