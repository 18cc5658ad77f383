"""Partner MDF pages: the balance and requests, a new request, one request with its claim.

Partner admins request and claim; every look-up is scoped to their organisation (another
organisation's request or file is not found).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from portal.accounts.access import login_required, partner_admin_required
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import accepts, render_page
from portal.ids import parse_id
from portal.kits.api import StorageUnavailable, send_upload
from portal.mdf import balance, claims, listing, service
from portal.mdf.export import csv_response, partner_rows
from portal.mdf.forms import ClaimForm, RequestForm, form_errors
from portal.mdf.proofs import MAX_PHOTOS, ProofRefused, file_limit, size_text, store_proofs
from portal.mdf.references import parse_references
from portal.mdf.service import MdfError, RequestInput

bp = Blueprint("mdf", __name__, url_prefix="/mdf")


def _rules():
    rules = current_content().program.mdf
    if rules is None:
        abort(404)
    return rules


def _currency() -> str:
    return current_content().program.currency


@bp.get("")
@partner_admin_required
def index():
    """The organisation's funds this period and its requests, a page at a time (newest first)."""
    rules = _rules()
    org = current_user.organization
    return render_page(
        "mdf/index.html",
        "content",
        funds=balance.balance_of(org, rules, utcnow().date()),
        page=listing.partner_page(org.id, parse_id(request.args.get("before", ""))),
        rules=rules,
        currency=_currency(),
    )


@bp.get("/export.csv")
@partner_admin_required
def export():
    """The organisation's requests as CSV."""
    rules = _rules()
    requests = listing.org_requests(current_user.organization_id)
    return csv_response("mdf-requests.csv", partner_rows(requests, rules))


def _request_form() -> RequestForm:
    rules = _rules()
    form = RequestForm().set_activity_types([(t.id, t.name) for t in rules.activity_types])
    form.set_currency(_currency())
    return form


@bp.route("/new", methods=["GET", "POST"])
@partner_admin_required
def new():
    """Ask for funds for an activity; the amount is held from the balance at once."""
    rules = _rules()
    form = _request_form()
    if form.validate_on_submit():
        data = RequestInput(
            activity_type=form.activity_type.data or "",
            activity_date=form.activity_date_value(),
            title=field_text(form.title),
            description=field_text(form.description),
            amount_minor=form.amount_minor,
            expected_attendees=form.expected_attendees.data or 0,
            expected_meetings=form.expected_meetings.data or 0,
            expected_results=field_text(form.expected_results),
        )
        try:
            created = service.request_funds(current_user, data, rules, _currency())
        except MdfError as refused:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, refused.message]
        else:
            db.session.commit()
            flash(f"Request {created.reference} sent: the partner team will decide.", "success")
            return redirect(url_for("mdf.detail", request_id=created.id))
    status = 422 if form.is_submitted() else 200
    funds = balance.balance_of(current_user.organization, rules, utcnow().date())
    return render_page(
        "mdf/new.html", "content", status, form=form, funds=funds, currency=_currency()
    )


def _detail_page(request_id: int, status: int = 200, claim_form: ClaimForm | None = None):
    found = listing.proof_scope_request(request_id, current_user)
    if found is None:
        abort(404)
    detail = listing.request_detail(found)
    form = claim_form or ClaimForm(formdata=None)
    return render_page(
        "mdf/detail.html",
        "content",
        status,
        detail=detail,
        claim_form=form,
        rules=_rules(),
        referral_names=listing.referral_names(detail),
        upload_limit=size_text(file_limit()),
        max_photos=MAX_PHOTOS,
        today=utcnow().date(),
        errors=form_errors(form),
    )


@bp.get("/<id:request_id>")
@partner_admin_required
def detail(request_id: int):
    """One request: the decision, the claim form once approved, claims and their proof."""
    return _detail_page(request_id)


@bp.post("/<id:request_id>/claim")
@accepts(files=("invoice", "photos", "attendee_list"))
@partner_admin_required
def claim(request_id: int):
    """Claim approved funds with proof of performance."""
    _rules()  # 404 when the program offers no funds
    request_row = service.lock_request(request_id, current_user)
    if request_row is None:
        abort(404)
    form = ClaimForm().set_currency(_currency())
    assert isinstance(form, ClaimForm)
    if not form.validate_on_submit():
        db.session.rollback()
        return _detail_page(request_id, 422, form)
    referral_ids, unknown = parse_references(
        field_text(form.referrals), request_row.organization_id
    )
    if unknown:
        db.session.rollback()
        form.referrals.errors = [f"Not one of your referrals: {', '.join(unknown)}."]
        return _detail_page(request_id, 422, form)
    try:
        if form.invoice.data is None or not getattr(form.invoice.data, "filename", ""):
            raise ProofRefused("Attach the invoice as proof of the cost.")
        proofs, counted = store_proofs(
            form.invoice.data, form.photos.data or [], form.attendee_list.data
        )
        data = claims.ClaimInput(
            actual_cost_minor=form.amount_minor,
            attendees=form.attendees.data if form.attendees.data is not None else (counted or 0),
            meetings=form.meetings.data or 0,
            results=field_text(form.results),
            referral_ids=tuple(referral_ids),
            proofs=tuple(proofs),
        )
        claims.submit_claim(request_row, current_user, data)
    except ProofRefused as refused:
        db.session.rollback()
        form[refused.field].errors = [refused.message]
        return _detail_page(request_id, 422, form)
    except MdfError as refused:
        db.session.rollback()
        form.amount.errors = [*form.amount.errors, refused.message]
        return _detail_page(request_id, 422, form)
    except StorageUnavailable:
        db.session.rollback()
        form.invoice.errors = ["The files could not be stored just now; please try again."]
        return _detail_page(request_id, 503, form)
    db.session.commit()
    flash("Claim sent with its proof: the partner team will review it.", "success")
    return redirect(url_for("mdf.detail", request_id=request_id))


@bp.errorhandler(RequestEntityTooLarge)
def claim_too_large(error: RequestEntityTooLarge):
    """A claim body over its limit, refused before it was read: the claim form and the limit.

    CSRF protection reads the body before the access check runs, so check access here too.
    """
    db.session.rollback()  # as every error page does (portal/errors.py): nothing half-written
    request_id = (request.view_args or {}).get("request_id")
    if not (
        current_user.is_authenticated
        and current_user.is_partner_admin
        and request_id
        and listing.proof_scope_request(request_id, current_user) is not None
    ):
        return render_template("error.html", error=error), 413
    form = ClaimForm(formdata=None)
    form.invoice.errors = [
        f"The files were too large: each may be at most {size_text(file_limit())}."
    ]
    return _detail_page(request_id, 413, form)


@bp.get("/proofs/<id:proof_id>")
@login_required
def proof(proof_id: int):
    """A proof file, as an attachment (its organisation's partner admins and staff)."""
    found = listing.proof_for(proof_id, current_user)
    if found is None:
        abort(404)
    try:
        return send_upload(found.storage_key, found.download_name, found.media_type)
    except StorageUnavailable:
        abort(503)
