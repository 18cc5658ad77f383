"""Market development funds: allocations per tier and period, requests, claims with proof."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.mdf import cli, earnings, proofs, staff_views, views
    from portal.mdf.service import status_label
    from portal.money import format_money
    from portal.referrals.api import register_earnings_section

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    cli.init_app(app)
    app.add_template_filter(format_money, "money")
    app.add_template_filter(status_label, "mdf_status")
    register_earnings_section(app, earnings.earnings_section)
    # First of the before-request hooks: CSRFProtect's, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, proofs.allow_proof_files)
