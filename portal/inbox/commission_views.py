"""Staff commission work: approve, mark paid, answer disputes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import staff_required
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.inbox.commission_forms import (
    STATUS_CHOICES,
    ApproveForm,
    CommissionFilterForm,
    PayoutForm,
    ResolveForm,
)
from portal.referrals import api as referrals
from portal.referrals.api import CommissionError, reference_of
from portal.referrals.models import Commission

bp = Blueprint("inbox_commissions", __name__, url_prefix="/inbox/commissions")

_STATUSES = {choice.value for choice in STATUS_CHOICES if choice.value}


@bp.get("")
@staff_required
def index():
    """Commissions by status, a page at a time, with the action each one waits for."""
    return _list_page()


@bp.post("/<id:commission_id>/approve")
@staff_required
def approve(commission_id: int):
    """Approve a pending commission whose hold period is over."""
    commission = _locked_or_404(commission_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _refused(commission.id, _messages(form))
    try:
        referrals.approve(commission, current_user)
    except CommissionError as refused:
        return _refused(commission.id, [refused.message])
    db.session.commit()
    return _done(commission.id, f"The commission on {_ref(commission)} is approved.")


@bp.post("/<id:commission_id>/pay")
@staff_required
def pay(commission_id: int):
    """Mark an approved commission paid, with the payout reference."""
    commission = _locked_or_404(commission_id)
    form = PayoutForm()
    if not form.validate_on_submit():
        return _refused(commission.id, _messages(form), "payout_reference")
    try:
        referrals.mark_paid(commission, current_user, field_text(form.payout_reference))
    except CommissionError as refused:
        return _refused(commission.id, [refused.message], "payout_reference")
    db.session.commit()
    return _done(commission.id, f"The commission on {_ref(commission)} is marked paid.")


@bp.post("/disputes/<id:dispute_id>/resolve")
@staff_required
def resolve(dispute_id: int):
    """Answer a dispute; the commission returns to its status before the dispute."""
    dispute = referrals.lock_dispute(dispute_id, current_user)
    if dispute is None:
        abort(404)
    commission_id = dispute.commission_id
    form = ResolveForm()
    if not form.validate_on_submit():
        return _refused(commission_id, _messages(form), "answer")
    try:
        referrals.resolve_dispute(dispute, current_user, field_text(form.answer))
    except CommissionError as refused:
        return _refused(commission_id, [refused.message], "answer")
    db.session.commit()
    return _done(commission_id, "The dispute is answered; the partner sees the answer.")


def _locked_or_404(commission_id: int) -> Commission:
    commission = referrals.lock_commission(commission_id, current_user)
    if commission is None:
        abort(404)
    return commission


def _ref(commission: Commission) -> str:
    return reference_of(commission.referral_id)


def _messages(form: Any) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


def _filters() -> dict[str, Any]:  # url_for values: Any, so they may fill any of its keywords
    """The list's status filter, carried through actions so staff return to the same list."""
    status = request.args.get("status", "")
    return {"status": status} if status in _STATUSES else {}


def _done(commission_id: int, message: str):
    if request.htmx:
        return _row(commission_id, notice=message)
    flash(message, "success")
    return redirect(url_for("inbox_commissions.index", **_filters()))


def _refused(commission_id: int, messages: list[str], field: str | None = None):
    """Nothing changed: the message beside the field (htmx: in the row; else 422 page)."""
    db.session.rollback()
    error = {"field": field, "messages": messages, "value": request.form.get(field or "", "")}
    if request.htmx:
        return _row(commission_id, error=error)
    row = referrals.staff_row(commission_id)
    summary = f"{row.reference}: {' '.join(messages)}" if row else " ".join(messages)
    return _list_page(status_code=422, summary=summary, row_errors={commission_id: error})


def _row(commission_id: int, notice: str = "", error: dict[str, Any] | None = None):
    row = referrals.staff_row(commission_id)
    if row is None:
        abort(404)
    return render_page(
        "inbox/commissions_row.html",
        "row",
        422 if error else 200,
        row=row,
        notice=notice,
        row_errors={commission_id: error} if error else {},
        filters=_filters(),
    )


def _list_page(status_code: int = 200, **context: Any):
    form = CommissionFilterForm(formdata=request.args)
    form.validate()
    filters = form.applied("status")
    page = referrals.commissions_for_staff(filters.get("status"), form.value("after"))
    context.setdefault("row_errors", {})
    context["ready_count"] = referrals.ready_to_approve_count()
    return render_page(
        "inbox/commissions.html",
        "results",
        422 if form.errors else status_code,
        form=form,
        page=page,
        filters=filters,
        **context,
    )
