"""Search across pages, modules, kits and playbooks the partner may see."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.search import views

    app.register_blueprint(views.bp)
