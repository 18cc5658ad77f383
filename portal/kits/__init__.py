"""Co-marketing kits: the library, downloads from local disk or S3, co-branded templates."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.kits import views

    app.register_blueprint(views.bp)
