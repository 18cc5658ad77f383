"""Signed-in sessions in requests: start, end, idle timeout, remember-me cookie, the login redirect.

The rules are in `sessions` (no Flask); this module applies them to Flask's session and cookies.
Flask-Login still loads the user from `session["_user_id"]` (User.session_token); its own
remember cookie is not used, because it carries no time and so stays valid for as long as the
token does. Ours is signed, carries the time it was issued and is refused after REMEMBER_DAYS.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, session, url_for
from flask_login import current_user, login_url, login_user, logout_user
from htmx_flask import request
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.wrappers import Response

from portal.accounts import sessions
from portal.accounts.authentication import load_signed_in_user, record_login
from portal.accounts.models import User
from portal.accounts.sessions import SessionPolicy

__all__ = [
    "current_time",
    "end_session",
    "init_app",
    "policy",
    "sign_in_user",
    "start_session",
]

SIGN_IN_FIRST = "Please sign in to see that page."
_REMEMBER_SALT = "flywheel-remember-me-v1"
_POLICY_KEY = "flywheel_session_policy"


def current_time() -> float:
    """Seconds since the epoch: the one clock sessions read (tests move it)."""
    return time.time()


def _now() -> int:
    return int(current_time())


def policy() -> SessionPolicy:
    """The running app's session policy (checked at start)."""
    return current_app.extensions[_POLICY_KEY]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_REMEMBER_SALT)


def _cookie_name() -> str:
    return current_app.config["REMEMBER_COOKIE_NAME"]


def _clear_session() -> None:
    # The CSRF token is not a credential: keeping it lets a form in another open tab still post
    # once remember-me has restored the sign-in, instead of failing with a CSRF error.
    csrf_key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    csrf_token = session.get(csrf_key)
    session.clear()
    if csrf_token is not None:
        session[csrf_key] = csrf_token


def start_session(user: User, remember: bool = False) -> None:
    """Start a fresh session for the user: nothing from before the sign-in survives it."""
    session.clear()
    login_user(user)
    sessions.stamp(session, _now(), policy())
    if remember and policy().remember_seconds:
        g.remember_cookie = _serializer().dumps(
            sessions.remember_payload(user.session_token, _now())
        )
    else:
        # Someone else's remember-me cookie on a shared computer must not outlive this sign-in.
        g.forget_remember_cookie = True


def sign_in_user(user: User, remember: bool = False) -> None:
    """Sign the user in: a fresh session, the last login time and the engagement event."""
    start_session(user, remember=remember)
    record_login(user)


def end_session() -> None:
    """Sign out in this browser: the session and the remember-me cookie go."""
    session.clear()
    logout_user()
    g.forget_remember_cookie = True


def _restore_remembered(now: int) -> bool:
    """Sign the user in again from a remember-me cookie still in date; False if there is none."""
    raw = request.cookies.get(_cookie_name())
    if raw is None:
        return False
    try:
        payload = _serializer().loads(raw)
    except BadData:
        payload = None
    remembered = sessions.read_remembered(payload, now, policy())
    # A rotated token (password changed, signed out everywhere, deactivated) finds nobody.
    user = load_signed_in_user(remembered.session_token) if remembered else None
    if remembered is None or user is None:
        g.forget_remember_cookie = True
        # Flask-Login would otherwise try the cookie in its own (timeless) format.
        session["_remember"] = "clear"
        return False
    session["_user_id"] = user.session_token
    session["_fresh"] = False
    sessions.stamp(session, now, policy(), until=remembered.until)
    return True


def _check_session() -> None:
    """End a session that has been idle too long or has lasted too long; refresh the others."""
    g.pop("session_ended", None)
    if request.endpoint == "static" or not request.cookies:
        return
    now = _now()
    reason = None
    if "_user_id" in session:
        reason = sessions.ending_reason(session, now, policy())
        if reason is None:
            sessions.touch(session, now, policy())
            return
        _clear_session()
    if _restore_remembered(now) or reason is None:
        return
    g.session_ended = reason
    flash(sessions.ending_message(reason, policy()), "info")


def _finish_session(response: Response) -> Response:
    """Write or delete the remember-me cookie; drop a session whose token was rotated."""
    config = current_app.config
    value = g.pop("remember_cookie", None)
    forget = g.pop("forget_remember_cookie", False)
    # A failed request (a lost database among them) proves nothing about the token: the
    # session must survive it, or an outage would sign everyone out.
    if (
        response.status_code < 500
        and request.endpoint != "static"
        and "_user_id" in session
        and not current_user.is_authenticated
    ):
        # Password changed, signed out everywhere, deactivated: the session and the remember-me
        # cookie name a token nobody has any more, so the browser may as well forget both.
        _clear_session()
        forget = True
    if value is not None:
        response.set_cookie(
            _cookie_name(),
            value,
            max_age=policy().remember_seconds,
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    elif forget and _cookie_name() in request.cookies:
        response.delete_cookie(
            _cookie_name(),
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    return response


def _send_to_login() -> Response:
    """Flask-Login's unauthorised handler: to the login page, with `next` set to this page."""
    if "session_ended" not in g:
        flash(SIGN_IN_FIRST, "info")
    if request.htmx:
        # htmx would swap the login page into a fragment; send the whole window there instead.
        page = request.headers.get("HX-Current-URL") or url_for("main.home")
        response = Response(status=401)
        response.headers["HX-Redirect"] = login_url("accounts.login", next_url=page)
        return response
    return redirect(login_url("accounts.login", next_url=request.url))


def init_app(app: Flask) -> None:
    """Check the session settings (ConfigError at start) and install the hooks."""
    from portal.extensions import login_manager

    app.extensions[_POLICY_KEY] = sessions.policy_from_settings(app.config)
    app.before_request(_check_session)
    app.after_request(_finish_session)
    login_manager.unauthorized_handler(_send_to_login)
