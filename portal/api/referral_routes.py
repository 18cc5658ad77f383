"""/api/v1/referrals: submit (partners), list with a cursor and read (partners and staff).

Submission runs the referral form's own rules (portal.referrals.api.ReferralForm) on the JSON
body and then `submit_referral`, the function the form calls: the same conflict check, the
same timeline event, the same e-mail to the partner team. Reads are scoped by
`scoped_to_org` through the token's creator, exactly as their pages are.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from portal.api import idempotency
from portal.api.auth import (
    audit_write,
    current_token,
    current_user,
    is_staff_token,
    limit_api,
    token_required,
)
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.schemas import (
    IdempotencyHeader,
    ReferralCreateSchema,
    ReferralDetailSchema,
    ReferralListArgs,
    ReferralPageSchema,
)
from portal.api.serialize import event_dict, referral_dict
from portal.content_runtime import current_content
from portal.extensions import csrf, db
from portal.http import accepts
from portal.referrals import api as referrals

bp = Blueprint(
    "api_referrals",
    __name__,
    url_prefix="/api/v1",
    description="Referrals: submit, list and read, with their timeline.",
)
# Set up once, at import (a blueprint cannot change after an app registered it): problem
# documents for errors, no CSRF (Bearer tokens only, no cookies: portal/api/auth.py), and a
# rate limit per token.
register_handlers(bp)
csrf.exempt(bp)
limit_api(bp)

REPLAYED_HEADER = "Idempotent-Replayed"
# The longest reference anyone types ("R-000123" and a few spare characters).
REFERENCE_MAX = 20


def stored_idempotency_key(header: str) -> str:
    """The header's key as the referral stores it: 32 hex digits, like the form's keys.

    Hashing keeps the stored key in the form's one shape and apart from the form's own
    (random) keys; the same header in the same organisation is the same referral.
    """
    return hashlib.sha256(b"api:" + header.encode()).hexdigest()[:32]


def _form_data(data: dict[str, Any], key: str) -> MultiDict[str, str]:
    fields = {name: str(value) for name, value in data.items() if name != "consent"}
    fields["consent"] = "y" if data.get("consent") else ""
    fields["idempotency_key"] = key
    return MultiDict(fields)


def detail(referral: Any) -> dict[str, Any]:
    changed = referrals.last_changed([referral.id]).get(referral.id)
    body = referral_dict(referral, changed, staff=is_staff_token())
    events = referrals.timeline(referral.id, partner_view=not is_staff_token())
    body["timeline"] = [event_dict(event) for event in events]
    return body


@bp.route("/referrals", methods=["POST"])
@accepts(json=True)
@token_required("referrals:write")
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.arguments(ReferralCreateSchema)
@bp.response(
    201,
    ReferralDetailSchema,
    description="Created, or created before by this key with this body (a retry)",
    headers={
        REPLAYED_HEADER: {
            "description": "`true` when a retry got the referral the key first created",
            "schema": {"type": "string", "enum": ["true"]},
        }
    },
)
@documented(401, 403, 413, 415, 422, 429)
def create_referral(data: dict[str, Any], idempotency_key: str) -> Any:
    """Submit a referral (partner tokens; scope referrals:write).

    The same rules and conflict check as the referral form. Send an `Idempotency-Key`: a
    retry with the same key and the same body gets the referral the first request created,
    with 201 again (and `Idempotent-Replayed: true`); the same key with a different body is
    refused with 422.
    """
    org_id = current_token().organization_id
    if org_id is None:  # pragma: no cover - staff tokens are never given referrals:write
        raise ApiProblem(403, "Referrals are submitted with a partner token.")
    key = stored_idempotency_key(idempotency_key)
    hashed = idempotency.body_hash(data)
    if idempotency.first_body_hash(org_id, key) not in (None, hashed):
        raise _key_reused()
    program = current_content().program
    form = referrals.ReferralForm(formdata=_form_data(data, key), meta={"csrf": False})
    form.set_program(program)
    if not form.validate():
        raise ApiProblem(422, "The referral has invalid fields.", {"json": form.errors})
    submission = referrals.submit_referral(current_user(), form.referral_input(), program)
    if idempotency.remember(org_id, key, hashed) != hashed:
        raise _key_reused()  # another body took the key first, in a race
    referral = submission.referral
    operation = "submit referral" if submission.created else "retry a submitted referral"
    audit_write("referrals:write", operation, "referral", referral.id)
    db.session.commit()
    headers = {} if submission.created else {REPLAYED_HEADER: "true"}
    return detail(referral), 201, headers


def _key_reused() -> ApiProblem:
    return ApiProblem(
        422, idempotency.KEY_REUSED, {"headers": {"Idempotency-Key": [idempotency.KEY_REUSED]}}
    )


@bp.route("/referrals", methods=["GET"])
@token_required("referrals:read")
@bp.arguments(ReferralListArgs, location="query", as_kwargs=True)
@bp.response(200, ReferralPageSchema)
@documented(401, 403, 422, 429)
def list_referrals(
    limit: int,
    after: int | None = None,
    status: str | None = None,
    organization_id: int | None = None,
    updated_since: Any = None,
) -> Any:
    """Referrals oldest first, a page at a time (scope referrals:read).

    Partner tokens see their organisation's; staff tokens every organisation's, optionally
    one (`organization_id`). `updated_since` keeps those changed since an instant: a sync
    reads every page of it. Pass a page's `next_cursor` as `after` for the next page.
    """
    filters = referrals.SyncFilters(
        status=status, organization_id=organization_id, updated_since=updated_since
    )
    found = referrals.referrals_after(current_user(), after, limit + 1, filters)
    page = found[:limit]
    changed = referrals.last_changed([r.id for r in page])
    return {
        "items": [referral_dict(r, changed.get(r.id), staff=is_staff_token()) for r in page],
        "next_cursor": page[-1].id if len(found) > limit else None,
    }


@bp.route("/referrals/<ref>", methods=["GET"])
@token_required("referrals:read")
@bp.response(200, ReferralDetailSchema)
@documented(401, 403, 404, 429)
def get_referral(ref: str) -> Any:
    """One referral and its timeline (scope referrals:read).

    Partner tokens get the partner-visible events only, and 404 for another organisation's.
    """
    referral = referrals.referral_for(current_user(), ref[:REFERENCE_MAX])
    if referral is None:
        raise ApiProblem(404, "No referral with this reference.")
    return detail(referral)
