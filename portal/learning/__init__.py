"""Learning feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprint (its URL table is in `blueprint.py`)."""
    from portal.learning.blueprint import bp

    app.register_blueprint(bp)
