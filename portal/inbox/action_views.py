"""The staff inbox's actions: one POST per action, plain form or htmx.

Every action works as a plain form (redirect back, or the referral page again with the message
and status 422) and through htmx (the updated list row when the post came from a row, else the
updated panel of the referral page). The referral row is locked before the action so two people
acting on it at once take turns. Their URLs are in portal/inbox/blueprint.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from htmx_flask import request
from werkzeug.wrappers import Response as BaseResponse  # what redirect() is typed to return

from portal.accounts.access import staff_required
from portal.accounts.models import User
from portal.content.model import Program
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text
from portal.ids import parse_id
from portal.inbox.forms import (
    ActionForm,
    AssignForm,
    LostForm,
    NoteForm,
    RejectForm,
    UpdateForm,
    ValueForm,
    WonForm,
)
from portal.inbox.listing import (
    InboxRow,
    staff_choices,
)
from portal.inbox.views import (
    FORMS,
    ROW_ID_PREFIX,
    ROW_TEMPLATE,
    prepare_forms,
    referral_page,
    template_helpers,
)
from portal.money import format_money
from portal.referrals import api as referrals
from portal.referrals.api import ActionError, clock, parse_reference, stage_name
from portal.referrals.models import Referral
from portal.urls import local_target

Perform = Callable[[Referral, Any, Program], str]


def _act(ref: str, name: str, perform: Perform) -> BaseResponse:
    """Validate the action's form, lock the referral, act, commit, answer."""
    referral_id = parse_reference(ref)
    if referral_id is None:
        abort(404)
    program = current_content().program
    form = FORMS[name]()
    prepare_forms({name: form}, program, staff_choices() if name == "assign" else [])
    if not form.validate_on_submit():
        found = db.session.get(Referral, referral_id)
        if found is None:
            abort(404)
        return _refused(found, name, form, _first_error(form))
    found = referrals.lock_referral(referral_id)
    if found is None:
        abort(404)
    try:
        notice = perform(found, form, program)
    except ActionError as refused:
        db.session.rollback()  # nothing the action began is kept
        field = getattr(form, refused.field, None) if refused.field else None
        if field is not None:
            field.errors = [*field.errors, refused.message]
        return _refused(found, name, form, refused.message)
    db.session.commit()
    return _done(found, notice, form.next.data)


def _from_row() -> bool:
    return bool(request.htmx) and (request.htmx.target or "").startswith(ROW_ID_PREFIX)


def _done(found: Referral, notice: str, next_url: str | None) -> BaseResponse:
    if _from_row():
        return _row_response(found, notice=notice)
    if request.htmx:
        return referral_page(found, notice=notice)
    flash(notice, "success")
    back = local_target(next_url, within="/inbox")
    return redirect(back or url_for("inbox.referral", ref=found.reference))


def _refused(found: Referral, name: str, form: ActionForm, message: str) -> Response:
    if _from_row():
        return _row_response(found, error=message)
    return referral_page(found, 422, bound={name: form}, action_error=message)


def _row_response(found: Referral, *, notice: str = "", error: str = "") -> Response:
    """The list row of the referral as it is now, with the outcome of the action."""
    program = current_content().program
    now = utcnow()
    owner = found.owner
    row = InboxRow(
        referral=found,
        organization_name=found.organization.name,
        owner_name=owner.display_name if owner is not None else "",
        clock=clock(found.next_due_at, now) if found.is_open and found.next_due_at else None,
        age=now - found.submitted_at,
    )
    body = render_template(
        ROW_TEMPLATE,
        row=row,
        notice=notice,
        row_error=error,
        here=local_target(request.form.get("next"), within="/inbox") or url_for("inbox.index"),
        **template_helpers(program),
    )
    response = Response(body)
    response.vary.add("HX-Request")
    return response


def _first_error(form: ActionForm) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return "Check the form and try again."


def _owner(form: AssignForm) -> User | None:
    if form.owner.data == "me":
        return current_user._get_current_object()
    owner_id = parse_id(form.owner.data)  # one of the offered ids (validate_owner)
    return db.session.get(User, owner_id) if owner_id is not None else None


def _actor() -> User:
    return current_user._get_current_object()


def _do_assign(found: Referral, form: AssignForm, program: Program) -> str:
    # assign() refuses an owner who is gone (None) or inactive, before the message is made.
    event = referrals.assign(found, _actor(), _owner(form), program)
    return event.message


def _do_accept(found: Referral, form: ActionForm, program: Program) -> str:
    referrals.accept(found, _actor(), program)
    return f"{found.reference} accepted; the partner was told."


def _do_reject(found: Referral, form: RejectForm, program: Program) -> str:
    referrals.reject(found, _actor(), field_text(form.reason), program)
    return f"{found.reference} rejected; the partner sees the reason."


def _do_advance(found: Referral, form: ActionForm, program: Program) -> str:
    referrals.advance(found, _actor(), program)
    return f"{found.reference} moved to {stage_name(found.status)}."


def _do_update(found: Referral, form: UpdateForm, program: Program) -> str:
    referrals.post_update(found, _actor(), field_text(form.message), program)
    return "Update posted; the partner was e-mailed."


def _do_note(found: Referral, form: NoteForm, program: Program) -> str:
    referrals.add_note(found, _actor(), field_text(form.message), program)
    return "Internal note added."


def _do_value(found: Referral, form: ValueForm, program: Program) -> str:
    amount = form.amount_minor
    if amount is None:  # not reached: a ValueForm validates only with an amount
        raise ActionError("Enter the deal value.", field="amount")
    referrals.record_value(found, _actor(), amount, form.currency.data, program)
    return f"Deal value recorded: {format_money(amount, program.currency)}."


def _do_won(found: Referral, form: WonForm, program: Program) -> str:
    commission = referrals.mark_won(
        found,
        _actor(),
        form.amount_minor,
        form.currency.data,
        program,
        reason=field_text(form.reason),
    )
    if commission is None:
        return f"{found.reference} marked won; no commission rule applies to this partner."
    amount = format_money(commission.amount_minor, commission.currency)
    return f"{found.reference} marked won; commission {amount}."


def _do_lost(found: Referral, form: LostForm, program: Program) -> str:
    referrals.mark_lost(found, _actor(), field_text(form.reason), program)
    return f"{found.reference} marked lost; the partner sees the reason."


@staff_required
def assign(ref: str):
    """Give the referral an owner from the partner team ("me" for a one-click take)."""
    return _act(ref, "assign", _do_assign)


@staff_required
def accept(ref: str):
    """Accept the referral (deciding a conflict in its favour)."""
    return _act(ref, "accept", _do_accept)


@staff_required
def reject(ref: str):
    """Decline the referral with a reason the partner sees."""
    return _act(ref, "reject", _do_reject)


@staff_required
def advance(ref: str):
    """Move the referral to the next pipeline stage."""
    return _act(ref, "advance", _do_advance)


@staff_required
def update(ref: str):
    """Post a message the partner sees (and gets by e-mail)."""
    return _act(ref, "update", _do_update)


@staff_required
def note(ref: str):
    """Add an internal note."""
    return _act(ref, "note", _do_note)


@staff_required
def value(ref: str):
    """Record the deal value."""
    return _act(ref, "value", _do_value)


@staff_required
def won(ref: str):
    """Close the referral as won and compute its commission."""
    return _act(ref, "won", _do_won)


@staff_required
def lost(ref: str):
    """Close the referral as lost with a reason the partner sees."""
    return _act(ref, "lost", _do_lost)
