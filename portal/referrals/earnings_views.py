"""The partner's earnings: commissions, their rules in plain words, disputes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import partner_required
from portal.content_runtime import current_content
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.referrals import commission_lifecycle, earnings
from portal.referrals.commission_lifecycle import CommissionError
from portal.referrals.earnings_forms import DisputeForm
from portal.referrals.earnings_sections import earnings_sections

bp = Blueprint("earnings", __name__, url_prefix="/earnings")


@bp.get("")
@partner_required
def index():
    """The organisation's commissions, the rule behind each, disputes and totals."""
    return _earnings_page()


@bp.post("/<id:commission_id>/dispute")
@partner_required
def dispute(commission_id: int):
    """Dispute one of the organisation's commissions with a reason the partner team reads."""
    commission = earnings.lock_commission(commission_id, current_user)
    if commission is None:
        abort(404)
    form = DisputeForm()
    if form.validate_on_submit():
        try:
            commission_lifecycle.open_dispute(commission, current_user, field_text(form.reason))
        except CommissionError as refused:
            form.reason.errors = [*form.reason.errors, refused.message]
        else:
            db.session.commit()
            if request.htmx:
                return _earnings_page(row_id=commission_id)
            flash("Your dispute was sent; the partner team will answer it here.", "success")
            return redirect(url_for("earnings.index"))
    db.session.rollback()  # nothing changed; let the row lock go
    failed = {
        "failed_id": commission_id,
        "failed_errors": [error for errors in form.errors.values() for error in errors],
        "failed_reason": request.form.get("reason", ""),
    }
    return _earnings_page(status=422, row_id=commission_id, **failed)


def _earnings_page(status: int = 200, row_id: int | None = None, **context: Any):
    """The whole page, or for htmx the one commission's row (with the totals out of band)."""
    summary = earnings.earnings_for(current_user.organization_id)
    context.update(earnings=summary, currency=current_content().program.currency)
    if row_id is not None and request.htmx:
        row = summary.row(row_id)
        if row is None:
            abort(404)
        return render_page(
            "referrals/earnings_row.html", "row", status, row=row, oob_totals=True, **context
        )
    sections = earnings_sections(current_user.organization_id)
    return render_page("referrals/earnings.html", "content", status, sections=sections, **context)
