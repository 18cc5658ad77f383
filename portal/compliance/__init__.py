"""Compliance: the partner agreement's versions and acceptances, and the compliance documents
partners keep on file (issue 17)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.compliance import cli, document_staff_views, document_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(document_views.bp)
    app.register_blueprint(document_staff_views.bp)
    # First of the before-request hooks: CSRFProtect's, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, document_views.allow_a_document_file)
    cli.init_app(app)
