"""Single sign-on pages: the provider settings (partner admin, staff for an organisation, admin
for the partner team) and the sign-in itself (start at the provider, come back)."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.accounts.access import admin_required, partner_admin_required, public, staff_required
from portal.accounts.api import sign_in_user
from portal.accounts.models import Organization
from portal.extensions import db, limiter
from portal.sso import oidc
from portal.sso.accounts_for import SignInRefused, account_for, record_refusal, record_sign_in
from portal.sso.forms import ProviderForm
from portal.sso.models import SsoProvider
from portal.sso.provider_http import ProviderUnreachable
from portal.sso.secret_box import reveal
from portal.sso.settings import (
    ProviderInput,
    SettingsRefused,
    provider_for,
    save_provider,
    secret_readable,
)
from portal.urls import absolute_url, local_target

bp = Blueprint("sso", __name__)

FLOW_KEY = "sso_flow"
# Bounds on what the provider's redirect carries, checked before anything reads it.
STATE_MAX = 200
CODE_MAX = 2000
ERROR_MAX = 100
HINT_MAX = 254


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


def _address_key() -> str:
    return f"sso:{get_remote_address()}"


def _allowed_hosts() -> list[str]:
    return current_app.config["SSO_ALLOWED_HOSTS"]


# --- settings ------------------------------------------------------------------------------


def _form_for(provider: SsoProvider | None) -> ProviderForm:
    if request.method == "POST" or provider is None:
        return ProviderForm()
    return ProviderForm(
        formdata=None,
        issuer=provider.issuer,
        client_id=provider.client_id,
        domains="\n".join(provider.domain_names),
        enabled=provider.enabled,
        jit_provisioning=provider.jit_provisioning,
        password_login_disabled=provider.password_login_disabled,
    )


def _settings(organization: Organization | None, here: str, **url_values: Any) -> Any:
    org_id = organization.id if organization is not None else None
    provider = provider_for(org_id)
    form = _form_for(provider)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            values = ProviderInput(
                issuer=form.issuer.data or "",
                client_id=form.client_id.data or "",
                client_secret=form.client_secret.data or "",
                domains=form.domains.data or "",
                enabled=bool(form.enabled.data),
                jit_provisioning=bool(form.jit_provisioning.data),
                password_login_disabled=bool(form.password_login_disabled.data),
            )
            try:
                provider = save_provider(
                    current_user,
                    organization,
                    values,
                    secret_key=current_app.config["SECRET_KEY"],
                    allowed_hosts=_allowed_hosts(),
                )
            except SettingsRefused as refused:
                db.session.rollback()
                for name, message in refused.problems.items():
                    form[name].errors = [*form[name].errors, message]
                status = 422
            else:
                db.session.commit()
                flash("Single sign-on settings saved.", "success")
                return redirect(url_for(here, **url_values))
        else:
            status = 422
    return render_template(
        "sso/settings.html",
        form=form,
        provider=provider,
        organization=organization,
        secret_set=provider is not None
        and secret_readable(provider, current_app.config["SECRET_KEY"]),
        action=url_for(here, **url_values),
        redirect_uri=absolute_url("sso.callback"),
    ), status


@partner_admin_required
def partner_settings() -> Any:
    """The partner admin's identity provider for their own organisation."""
    return _settings(current_user.organization, "sso.partner_settings")


@staff_required
def org_settings(org_id: int) -> Any:
    """Staff set up an organisation's identity provider."""
    organization = db.session.get(Organization, org_id)
    if organization is None:
        abort(404)
    return _settings(organization, "sso.org_settings", org_id=org_id)


@admin_required
def staff_settings() -> Any:
    """The partner team's own identity provider (staff accounts)."""
    return _settings(None, "sso.staff_settings")


# --- signing in ----------------------------------------------------------------------------


def _failed(message: str, status: int) -> tuple[str, int]:
    return render_template("sso/failed.html", message=message), status


def _client(provider: SsoProvider) -> oidc.ClientSettings | None:
    secret = reveal(provider.client_secret_encrypted, current_app.config["SECRET_KEY"])
    if secret is None:
        return None
    return oidc.ClientSettings(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=secret,
        redirect_uri=absolute_url("sso.callback"),
        allowed_hosts=_allowed_hosts(),
    )


def _now() -> int:
    """Seconds since the epoch (tests move it to let a sign-in grow old)."""
    return int(time.time())


@public
def start(provider_id: int) -> BaseResponse | tuple[str, int]:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or not provider.enabled:
        return _failed(
            "Single sign-on is not available for this address. Sign in with a password.", 404
        )
    client = _client(provider)
    if client is None:
        return _failed(
            "Single sign-on of your organisation is not completely set up (its client secret "
            "must be entered again). Ask your partner admin.",
            503,
        )
    hint = request.args.get("login_hint", "")
    target = local_target(request.args.get("next")) or ""
    try:
        url, flow = oidc.begin(
            client, provider.id, _now(), target, hint if len(hint) <= HINT_MAX else ""
        )
    except ProviderUnreachable as exc:
        return _failed(f"Your identity provider could not be reached: {exc}", 502)
    session[FLOW_KEY] = flow.as_session()
    return redirect(url)


def _arg(name: str, limit: int) -> str:
    value = request.args.get(name, "")
    return value if len(value) <= limit else ""


@public
def callback() -> BaseResponse | tuple[str, int]:
    """The provider's answer: check it, find or create the account, sign in."""
    flow = oidc.flow_from(session.pop(FLOW_KEY, None))
    try:
        flow = oidc.check_return(flow, _arg("state", STATE_MAX), _now())
    except oidc.SignInFailed as exc:
        return _failed(str(exc), 400)
    error = _arg("error", ERROR_MAX)
    if error:
        return _failed(
            f"Your identity provider did not sign you in ({error}). Start again, or ask its "
            "administrator.",
            403,
        )
    code = _arg("code", CODE_MAX)
    provider = db.session.get(SsoProvider, flow.provider_id)
    client = _client(provider) if provider is not None and provider.enabled else None
    if provider is None or client is None or not code:
        return _failed("This sign-in cannot be completed. Start again from the sign-in page.", 400)
    try:
        identity = oidc.finish(client, flow, code)
    except ProviderUnreachable as exc:
        return _failed(str(exc), 502)
    except oidc.SignInFailed as exc:
        return _failed(str(exc), 403)
    try:
        user, created = account_for(provider, identity)
    except SignInRefused as refused:
        db.session.rollback()
        record_refusal(provider, identity, refused)
        db.session.commit()
        return _failed(refused.message, 403)
    sign_in_user(user)
    record_sign_in(provider, identity, user, created)
    db.session.commit()
    return redirect(local_target(flow.next) or url_for("main.home"))


bp.add_url_rule("/team/sso", view_func=partner_settings, methods=["GET", "POST"])
bp.add_url_rule("/staff/orgs/<id:org_id>/sso", view_func=org_settings, methods=["GET", "POST"])
bp.add_url_rule("/admin/sso", view_func=staff_settings, methods=["GET", "POST"])
bp.add_url_rule(
    "/sso/start/<id:provider_id>",
    view_func=limiter.limit(_address_limit, key_func=_address_key)(start),
)
bp.add_url_rule(
    "/sso/callback", view_func=limiter.limit(_address_limit, key_func=_address_key)(callback)
)
