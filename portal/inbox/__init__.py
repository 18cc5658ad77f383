"""The partner team's referral inbox: triage, assignment, pipeline, SLA clocks, customers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # action_views adds its routes to views.bp, so it is imported before the blueprint registers.
    from portal.inbox import (
        action_views,  # noqa: F401
        commission_views,
        customer_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(commission_views.bp)
    app.register_blueprint(customer_views.bp)
    # First of the before-request hooks: CSRFProtect's, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, customer_views.allow_a_customer_file)
