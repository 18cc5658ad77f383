"""Token pages: partner admins under their team page, staff admins under /admin.

One set of views for both: `portal.api.tokens` decides whose tokens a person manages. A new
token's secret is shown once, in the response to the form, and never stored or redirected.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.accounts.access import admin_required, partner_admin_required
from portal.api.forms import RevokeForm, TokenForm
from portal.api.tokens import (
    PARTNER_SCOPES,
    STAFF_SCOPES,
    TokenRefused,
    create_token,
    revoke_token,
    tokens_of,
)
from portal.db_types import utcnow
from portal.extensions import db
from portal.http import render_page

bp = Blueprint("api_tokens", __name__)


def _page(endpoint: str, form: TokenForm, status: int = 200, secret: str = "") -> Any:
    return render_page(
        "api/tokens.html",
        "token_list",
        status,
        form=form,
        tokens=tokens_of(current_user),
        revoke_form=RevokeForm(),
        secret=secret,
        now=utcnow(),
        here=endpoint,
        revoke_endpoint=endpoint.replace("_tokens", "_revoke").replace("api_revoke", "api_tokens"),
        staff=current_user.is_staff,
    )


def _manage(endpoint: str) -> Any:
    form = TokenForm()
    form.offer(STAFF_SCOPES if current_user.is_staff else PARTNER_SCOPES)
    if not form.validate_on_submit():
        return _page(endpoint, form, 422 if form.errors else 200)
    try:
        created = create_token(
            current_user, form.name.data or "", form.scopes.data or [], int(form.days.data or 0)
        )
    except TokenRefused as refused:
        form.form_errors.append(refused.message)
        return _page(endpoint, form, 422)
    db.session.commit()
    fresh = TokenForm(formdata=None)
    fresh.offer(STAFF_SCOPES if current_user.is_staff else PARTNER_SCOPES)
    return _page(endpoint, fresh, 201, secret=created.secret)


def _revoke(endpoint: str, token_id: int) -> BaseResponse:
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(f"The token {token.name} is revoked: requests with it now get 401.", "success")
    return redirect(url_for(endpoint))


@partner_admin_required
def partner_tokens() -> Any:
    """The organisation's API tokens; the form creates one."""
    return _manage("api_tokens.partner_tokens")


@partner_admin_required
def partner_revoke(token_id: int) -> BaseResponse:
    """Revoke one of the organisation's tokens."""
    return _revoke("api_tokens.partner_tokens", token_id)


@admin_required
def staff_tokens() -> Any:
    """The partner team's API tokens; the form creates one."""
    return _manage("api_tokens.staff_tokens")


@admin_required
def staff_revoke(token_id: int) -> BaseResponse:
    """Revoke one of the partner team's tokens."""
    return _revoke("api_tokens.staff_tokens", token_id)


bp.add_url_rule("/team/api-tokens", view_func=partner_tokens, methods=["GET", "POST"])
bp.add_url_rule("/team/api-tokens/<id:token_id>/revoke", view_func=partner_revoke, methods=["POST"])
bp.add_url_rule("/admin/api-tokens", view_func=staff_tokens, methods=["GET", "POST"])
bp.add_url_rule("/admin/api-tokens/<id:token_id>/revoke", view_func=staff_revoke, methods=["POST"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
