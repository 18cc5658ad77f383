"""Staff writes on a referral (scope inbox:write): a note, the next stage, owner, value, outcome.

Each calls the function the inbox's buttons call (portal.referrals.api: add_note, advance,
assign, record_value, mark_won, mark_lost) on the referral locked the same way
(lock_referral), and each use is audited as a use of inbox:write besides the action's own
audit entry. A refused action (ActionError) keeps the inbox's own message: beside a field
(the owner, the amount, the reason) it is a 422 naming the API's field, otherwise (a closed
referral, one not accepted yet) a 409.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from portal.accounts.api import InvalidEmail, normalise_email, user_by_email
from portal.api.auth import (
    audit_write,
    current_user,
    limit_api,
    token_required,
)
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.referral_routes import REFERENCE_MAX, detail
from portal.api.schemas import (
    DealValueSchema,
    EventSchema,
    NoteSchema,
    OutcomeSchema,
    OwnerSchema,
    ReferralDetailSchema,
)
from portal.api.serialize import event_dict
from portal.content_runtime import current_content
from portal.extensions import csrf, db
from portal.http import accepts
from portal.referrals import api as referrals

bp = Blueprint(
    "api_inbox",
    __name__,
    url_prefix="/api/v1",
    description="Staff: work a referral as the inbox does.",
)
register_handlers(bp)
csrf.exempt(bp)  # Bearer tokens only, no cookies: portal/api/auth.py
limit_api(bp)


# The inbox forms' field names (ActionError.field) as this API's bodies name them.
_API_FIELDS = {"owner": "owner_email", "amount": "deal_value_minor"}


def _refused(refused: referrals.ActionError) -> ApiProblem:
    """The inbox's refusal: a 422 beside the field it names, else a 409 (the referral's state)."""
    if refused.field:
        field = _API_FIELDS.get(refused.field, refused.field)
        return ApiProblem(422, refused.message, {"json": {field: [refused.message]}})
    return ApiProblem(409, refused.message)


def _locked(ref: str) -> Any:
    referral_id = referrals.parse_reference(ref[:REFERENCE_MAX])
    referral = referrals.lock_referral(referral_id) if referral_id is not None else None
    if referral is None:
        raise ApiProblem(404, "No referral with this reference.")
    return referral


@bp.route("/referrals/<ref>/notes", methods=["POST"])
@accepts(json=True)
@token_required("inbox:write")
@bp.arguments(NoteSchema)
@bp.response(201, EventSchema)
@documented(401, 403, 404, 409, 413, 415, 422, 429)
def add_note(data: dict[str, Any], ref: str) -> Any:
    """Add an internal note to a referral (staff tokens; scope inbox:write)."""
    referral = _locked(ref)
    try:
        event = referrals.add_note(referral, current_user(), data["message"], _program())
    except referrals.ActionError as refused:
        raise _refused(refused) from None
    audit_write("inbox:write", "add an internal note", "referral", referral.id)
    db.session.commit()
    return event_dict(event)


@bp.route("/referrals/<ref>/advance", methods=["POST"])
@token_required("inbox:write")
@bp.response(200, ReferralDetailSchema)
@documented(401, 403, 404, 409, 429)
def advance(ref: str) -> Any:
    """Move an accepted referral to its next pipeline stage (staff tokens; scope inbox:write)."""
    referral = _locked(ref)
    try:
        referrals.advance(referral, current_user(), _program())
    except referrals.ActionError as refused:
        raise _refused(refused) from None
    audit_write("inbox:write", "move to the next stage", "referral", referral.id)
    db.session.commit()
    return detail(referral)


@bp.route("/referrals/<ref>/owner", methods=["PUT"])
@accepts(json=True)
@token_required("inbox:write")
@bp.arguments(OwnerSchema)
@bp.response(200, ReferralDetailSchema)
@documented(401, 403, 404, 409, 413, 415, 422, 429)
def assign_owner(data: dict[str, Any], ref: str) -> Any:
    """Give the referral an owner on the partner team, named by e-mail (scope inbox:write).

    The owner must be an active member of the partner team, as in the inbox; they are
    e-mailed unless they hold the token.
    """
    referral = _locked(ref)
    try:
        referrals.assign(referral, current_user(), _staff_member(data["owner_email"]), _program())
    except referrals.ActionError as refused:
        raise _refused(refused) from None
    audit_write("inbox:write", "assign an owner", "referral", referral.id)
    db.session.commit()
    return detail(referral)


@bp.route("/referrals/<ref>/deal-value", methods=["PUT"])
@accepts(json=True)
@token_required("inbox:write")
@bp.arguments(DealValueSchema)
@bp.response(200, ReferralDetailSchema)
@documented(401, 403, 404, 409, 413, 415, 422, 429)
def record_deal_value(data: dict[str, Any], ref: str) -> Any:
    """Record the deal value, in minor units of the program currency (scope inbox:write)."""
    referral = _locked(ref)
    program = _program()
    currency = data.get("currency") or program.currency
    try:
        referrals.record_value(
            referral, current_user(), data["deal_value_minor"], currency, program
        )
    except referrals.ActionError as refused:
        raise _refused(refused) from None
    audit_write("inbox:write", "record the deal value", "referral", referral.id)
    db.session.commit()
    return detail(referral)


@bp.route("/referrals/<ref>/outcome", methods=["POST"])
@accepts(json=True)
@token_required("inbox:write")
@bp.arguments(OutcomeSchema)
@bp.response(200, ReferralDetailSchema)
@documented(401, 403, 404, 409, 413, 415, 422, 429)
def record_outcome(data: dict[str, Any], ref: str) -> Any:
    """Close an accepted referral as won or lost (scope inbox:write).

    Won: the deal value given here, else the one recorded before (one is required), and the
    commission is computed as in the inbox; the reason is an optional note for the partner.
    Lost: the reason is required, and the partner sees it.
    """
    referral = _locked(ref)
    program = _program()
    actor = current_user()
    try:
        if data["outcome"] == "won":
            referrals.mark_won(
                referral,
                actor,
                data.get("deal_value_minor"),
                data.get("currency"),
                program,
                reason=data["reason"],
            )
        else:
            referrals.mark_lost(referral, actor, data["reason"], program)
    except referrals.ActionError as refused:
        raise _refused(refused) from None
    audit_write("inbox:write", f"mark {data['outcome']}", "referral", referral.id)
    db.session.commit()
    return detail(referral)


def _staff_member(email: str) -> Any:
    """The account behind the address, or None; `assign` decides whether it may own."""
    try:
        return user_by_email(normalise_email(email))
    except InvalidEmail:
        return None


def _program() -> Any:
    return current_content().program
