"""Sign in and out, accept an invitation, reset a password, and the partner admin's team page."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import authentication, invites, password_reset, sign_in_routes, signin, users
from portal.accounts.access import partner_admin_required, public
from portal.accounts.credentials import AccountError, email_limit_key
from portal.accounts.forms import (
    PASSWORD_HINT,
    AcceptInviteForm,
    LoginEmailForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    TeamInviteForm,
)
from portal.accounts.models import User
from portal.content_runtime import current_brand
from portal.extensions import db, limiter
from portal.form_fields import field_text
from portal.urls import local_target

bp = Blueprint("accounts", __name__)

LOGIN_FAILED = "E-mail or password is incorrect."
RESET_SENT = (
    "If an account exists for that address, we've sent a link to reset the password. "
    "It works once and expires soon; check your spam folder if it does not arrive."
)
SIGNED_OUT = "You're signed out on every device."
# Unknown links answer 404; links that existed but are used up or expired answer 410 (Gone);
# an invitation into a suspended organisation answers 403.
PROBLEM_STATUS = {"unknown": 404, "used": 410, "expired": 410, "suspended": 403}
# Partner admins' invitations per signed-in user (each one sends an e-mail).
TEAM_INVITE_LIMIT = "30 per hour"


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]


def _reset_email_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT_PER_EMAIL"]


def _address_key() -> str:
    return f"address:{get_remote_address()}"


def _account_key() -> str:
    # The form field the view reads: portal.http refuses any body where it could read
    # another. Keyed whether or not the address has an account, so the limit reveals nothing.
    return "account:" + email_limit_key(request.form.get("email", ""))


def _reset_email_key() -> str:
    return "reset:" + email_limit_key(request.form.get("email", ""))


def _inviter_key() -> str:
    # The access decorator runs first, so the user is signed in; the address is a fallback.
    user_id = getattr(current_user, "id", None)
    return f"team-invite:{user_id}" if user_id is not None else _address_key()


def _sign_in(user: User, remember: bool = False) -> None:
    """Start a fresh session for the user and note the sign-in."""
    signin.sign_in_user(user, remember=remember)


def _render_login(form: LoginForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "accounts/login.html",
        form=form,
        remember_days=signin.policy().remember_days,
        email_first=sign_in_routes.email_first(),
    ), status


def _render_login_email(form: LoginEmailForm, status: int = 200) -> tuple[str, int]:
    return render_template("accounts/login_email.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    """Sign in with e-mail and password."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        next_target = local_target(request.args.get("next")) or ""
        if sign_in_routes.email_first():
            # Single sign-on is configured somewhere: the address decides how to sign in.
            return _render_login_email(LoginEmailForm(next=next_target))
        form.next.data = next_target
        return _render_login(form)
    if not form.validate_on_submit():
        return _render_login(form, 422)
    user = authentication.authenticate(field_text(form.email), field_text(form.password))
    if user is None:
        form.form_errors.append(LOGIN_FAILED)
        return _render_login(form, 422)
    refusal = sign_in_routes.password_refusal(user)
    if refusal is not None:
        form.form_errors.append(refusal)
        return _render_login(form, 422)
    _sign_in(user, remember=bool(form.remember.data))
    db.session.commit()
    target = local_target(form.next.data) or local_target(request.args.get("next"))
    return redirect(target or url_for("main.home"))


@bp.post("/login/email")
@public
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
def login_email() -> Response | str | tuple[str, int]:
    """The login page's first step: an address of a single sign-on domain goes to its
    provider, any other address gets the password form."""
    form = LoginEmailForm()
    if not form.validate_on_submit():
        return _render_login_email(form, 422)
    email = field_text(form.email)
    target = local_target(form.next.data) or ""
    start_url = sign_in_routes.provider_start_url(email)
    if start_url is not None:
        joiner = "&" if "?" in start_url else "?"
        start_url += joiner + urlencode({"next": target}) if target else ""
        # A page that moves on by itself, not a redirect: see the template.
        return render_template("accounts/login_continue.html", start_url=start_url)
    password_form = LoginForm(formdata=None, email=email, next=target)
    return _render_login(password_form)


@bp.post("/logout")
@public
def logout() -> Response:
    """Sign out on every device: a new session token ends every session and remember-me cookie."""
    if current_user.is_authenticated:
        authentication.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    signin.end_session()
    flash(SIGNED_OUT, "success")
    return redirect(url_for("accounts.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def invite(token: str) -> Response | str | tuple[str, int]:
    """Accept an invitation: choose a name and password, then be signed in."""
    found = invites.find_invite(token)
    problem = invites.invite_problem(found)
    if found is None or problem is not None:
        return render_template("accounts/invite_invalid.html", problem=problem), PROBLEM_STATUS.get(
            problem or "unknown", 404
        )
    form = AcceptInviteForm(email=found.email)
    if form.validate_on_submit():
        try:
            user = invites.accept_invite(
                found, field_text(form.name), field_text(form.password), field_text(form.job_title)
            )
        except AccountError as exc:
            # A refusal may come after the account was added (its organisation was suspended
            # meanwhile): nothing of the attempt is kept.
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            _sign_in(user)
            db.session.commit()
            flash(f"Welcome to the {current_brand().portal_name}.", "success")
            return redirect(url_for("main.home"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accounts/invite.html", form=form, invite=found, password_hint=PASSWORD_HINT
    ), status


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
# The per-account sign-in limit serves here too (there is no setting of its own).
@limiter.limit(_reset_email_limit, key_func=_reset_email_key, methods=["POST"])
def reset_request() -> Response | str | tuple[str, int]:
    """Ask for a password reset link; the answer is the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        password_reset.request_password_reset(field_text(form.email))
        db.session.commit()
        flash(RESET_SENT, "info")
        return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str) -> Response | str | tuple[str, int]:
    """Choose a new password from an e-mailed reset link."""
    found = password_reset.find_reset(token)
    problem = password_reset.reset_problem(found)
    if found is None or problem is not None:
        return render_template("accounts/reset_invalid.html", problem=problem), PROBLEM_STATUS.get(
            problem or "unknown", 404
        )
    form = ResetPasswordForm(email=found.user.email)
    if form.validate_on_submit():
        try:
            password_reset.reset_password(found, field_text(form.password))
        except AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset.html", form=form, password_hint=PASSWORD_HINT), status


def _render_team(form: TeamInviteForm, status: int = 200) -> tuple[str, int]:
    org = current_user.organization
    return render_template(
        "accounts/team.html",
        org=org,
        members=users.team_members(org),
        invites=invites.open_invitations(org),
        form=form,
    ), status


@bp.get("/team")
@partner_admin_required
def team() -> tuple[str, int]:
    """The partner admin's organisation: members, open invitations and the invite form."""
    return _render_team(TeamInviteForm())


@bp.post("/team/invite")
@partner_admin_required
@limiter.limit(TEAM_INVITE_LIMIT, key_func=_inviter_key)
def team_invite() -> Response | tuple[str, int]:
    """Invite a colleague into the partner admin's own organisation.

    An address that already has an account gets the same answer (it is told by e-mail to sign
    in instead), so the form does not reveal who has an account.
    """
    form = TeamInviteForm()
    if not form.validate_on_submit():
        return _render_team(form, 422)
    try:
        # The organisation always comes from the signed-in admin, never from the form.
        invites.invite_colleague(field_text(form.email), form.role.data, current_user)
    except AccountError as exc:
        form.email.errors = [*form.email.errors, str(exc)]
        return _render_team(form, 422)
    db.session.commit()
    # The form normalised the address (stripped, lower-case).
    flash(f"Invitation sent to {form.email.data}.", "success")
    return redirect(url_for("accounts.team"))
