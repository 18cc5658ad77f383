"""Staff writes on a referral (scope inbox:write): an internal note, the next pipeline stage.

Each calls the function the inbox's buttons call (portal.referrals.api.add_note, .advance)
on the referral locked the same way (lock_referral); a refused action (ActionError, e.g. a
referral not yet accepted) is a 409 with the inbox's own message. Owner, value and outcome
are not offered yet (docs/integrations.md says so).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from portal.api.auth import (
    audit_write,
    current_user,
    limit_api,
    token_required,
)
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.referral_routes import REFERENCE_MAX, detail
from portal.api.schemas import EventSchema, NoteSchema, ReferralDetailSchema
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
        raise ApiProblem(409, refused.message) from None
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
        raise ApiProblem(409, refused.message) from None
    audit_write("inbox:write", "move to the next stage", "referral", referral.id)
    db.session.commit()
    return detail(referral)


def _program() -> Any:
    return current_content().program
