"""The partner team's referral inbox: triage, assignment, pipeline, SLA clocks, customers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.inbox import blueprint, commission_views, customer_views

    app.register_blueprint(blueprint.bp)
    app.register_blueprint(commission_views.bp)
    app.register_blueprint(customer_views.bp)
    # First of the before-request hooks: CSRFProtect's, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, customer_views.allow_a_customer_file)
