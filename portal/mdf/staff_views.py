"""Staff MDF pages: the queue, the budget per tier and period, one request and its decisions.

Each action locks the request (`lock_request`), calls one rule function and commits once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import staff_required
from portal.audit.service import record_audit
from portal.content_runtime import current_content
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.mdf import claims, listing, service
from portal.mdf.export import budget_rows, csv_response, queue_rows
from portal.mdf.forms import (
    ApproveForm,
    DecideForm,
    PayForm,
    QueueFilterForm,
    ReasonForm,
    form_errors,
)
from portal.mdf.models import MdfRequest
from portal.mdf.service import MdfError
from portal.money import from_minor

bp = Blueprint("staff_mdf", __name__, url_prefix="/staff/mdf")


def _rules():
    rules = current_content().program.mdf
    if rules is None:
        abort(404)
    return rules


@bp.get("")
@staff_required
def index():
    """The requests and claims waiting for staff (or any status)."""
    rules = _rules()
    filters = QueueFilterForm(formdata=request.args)
    filters.validate()
    status = filters.value("status", "")
    page = listing.staff_queue(status, filters.value("after"))
    program = current_content().program
    return render_page(
        "mdf/staff_index.html",
        "content",
        filters.status_code,
        page=page,
        filters=filters,
        status_filter=status,
        rules=rules,
        program=program,
    )


@bp.get("/budget")
@staff_required
def budget():
    """Funds allocated, held or spent, and paid, per tier and period."""
    _rules()
    return render_page(
        "mdf/staff_budget.html",
        "content",
        budget=listing.budget_by_tier(),
        program=current_content().program,
    )


@bp.get("/export.csv")
@staff_required
def export():
    """The queue's current filter as CSV."""
    rules = _rules()
    filters = QueueFilterForm(formdata=request.args)
    filters.validate()
    status = filters.value("status", "")
    record_audit(current_user, "mdf.exported", "mdf_request", "csv", after={"status": status})
    db.session.commit()
    return csv_response("mdf-queue.csv", queue_rows(listing.iter_queue(status), rules))


@bp.get("/budget.csv")
@staff_required
def budget_export():
    """The budget per period and tier as CSV."""
    program = current_content().program
    names = {tier.id: tier.name for tier in program.tiers}
    return csv_response("mdf-budget.csv", budget_rows(listing.budget_by_tier(), names))


def _detail_page(request_id: int, status: int = 200, **forms):
    found = listing.proof_scope_request(request_id, current_user)
    if found is None:
        abort(404)
    detail = listing.request_detail(found)
    approve_form = forms.get("approve_form") or ApproveForm(formdata=None)
    if approve_form.amount.data is None and found.requested_minor:
        approve_form.amount.data = str(from_minor(found.requested_minor, found.currency))
    all_forms = {
        "approve_form": approve_form,
        "reject_form": forms.get("reject_form") or ReasonForm(formdata=None),
        "claim_form": forms.get("claim_form") or DecideForm(formdata=None),
        "claim_reject_form": forms.get("claim_reject_form") or ReasonForm(formdata=None),
        "pay_form": forms.get("pay_form") or PayForm(formdata=None),
    }
    errors = [error for form in all_forms.values() for error in form_errors(form)]
    return render_page(
        "mdf/staff_detail.html",
        "content",
        status,
        detail=detail,
        rules=_rules(),
        referral_names=listing.referral_names(detail),
        errors=errors,
        **all_forms,
    )


@bp.get("/<id:request_id>")
@staff_required
def detail(request_id: int):
    """One request: what was asked, its claims and proof, and the decision forms."""
    return _detail_page(request_id)


def _act(request_id: int, form, form_name: str, action: Callable[[MdfRequest], str]):
    """Lock, validate, act, commit once; the page again with the message when refused."""
    found = service.lock_request(request_id, current_user)
    if found is None:
        abort(404)
    if form.validate_on_submit():
        try:
            done = action(found)
        except MdfError as refused:
            db.session.rollback()
            form.form_errors.append(refused.message)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("staff_mdf.detail", request_id=request_id))
    db.session.rollback()
    return _detail_page(request_id, 422, **{form_name: form})


@bp.post("/<id:request_id>/approve")
@staff_required
def approve(request_id: int):
    """Approve the request in full or in part."""
    form = ApproveForm().set_currency(current_content().program.currency)

    def act(found: MdfRequest) -> str:
        assert isinstance(form, ApproveForm)
        service.approve(
            found, current_user, form.amount_minor, field_text(form.note), rules=_rules()
        )
        return f"{found.reference} approved: {service.money(found, found.approved_minor)}."

    return _act(request_id, form, "approve_form", act)


@bp.post("/<id:request_id>/reject")
@staff_required
def reject(request_id: int):
    """Reject the request with a reason; its funds go back."""
    form = ReasonForm()

    def act(found: MdfRequest) -> str:
        service.reject(found, current_user, field_text(form.reason), rules=_rules())
        return f"{found.reference} rejected; the partner admins were told why."

    return _act(request_id, form, "reject_form", act)


@bp.post("/<id:request_id>/claim/approve")
@staff_required
def approve_claim(request_id: int):
    """Approve the claim: the payable amount is set, the rest goes back."""
    form = DecideForm()

    def act(found: MdfRequest) -> str:
        claims.approve_claim(found, current_user, _rules())
        return f"Claim on {found.reference} approved: {service.money(found, found.payable_minor)}."

    return _act(request_id, form, "claim_form", act)


@bp.post("/<id:request_id>/claim/reject")
@staff_required
def reject_claim(request_id: int):
    """Reject the claim with a reason; the partner may claim again by the deadline."""
    form = ReasonForm()

    def act(found: MdfRequest) -> str:
        claims.reject_claim(found, current_user, field_text(form.reason))
        return f"Claim on {found.reference} rejected; the partner admins were told why."

    return _act(request_id, form, "claim_reject_form", act)


@bp.post("/<id:request_id>/pay")
@staff_required
def pay(request_id: int):
    """Record the payment of the approved claim."""
    form = PayForm()

    def act(found: MdfRequest) -> str:
        claims.mark_paid(found, current_user, field_text(form.payout_reference))
        return f"{found.reference} marked paid."

    return _act(request_id, form, "pay_form", act)
