"""Co-marketing approvals: partners submit pieces, the partner team reviews them under an SLA."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the partner and staff blueprints and the larger body limit for a piece's file."""
    from portal.comarketing import staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    # First of the before-request hooks: CSRFProtect's, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, views.allow_a_piece_file)
