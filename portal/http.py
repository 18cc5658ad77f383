"""What every request and response goes through: headers, input limits, error pages.

The error pages themselves, and the answer to a lost database, are in portal/errors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    session,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from htmx_flask import request
from jinja2_fragments.flask import render_block
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import errors
from portal.ids import IdConverter

F = TypeVar("F", bound=Callable[..., Any])

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
FORM_POSTS_ONLY = (
    "This page accepts only its own form (a form post), not JSON or other request bodies. "
    "Use the form on the page."
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def render_page(template: str, block: str, status: int = 200, **context: Any) -> Response:
    """The whole page, or only `block` when htmx asks for it (not for a history restore).

    htmx ignores 4xx responses, so a form re-rendered with messages for htmx answers 200.
    """
    if request.htmx and not request.htmx.history_restore_request:
        body = render_block(template, block, **context)
        status = 200 if 400 <= status < 500 else status
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def shared_cache(view: F) -> F:
    """Let a view's answer be cached like a static file even for a signed-in user (the brand
    stylesheet, logo and favicon: the same for everyone); the view sets its own Cache-Control."""
    vars(view)["shared_cache"] = True
    return view


def _is_shared_cache() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return request.endpoint == "static" or getattr(view, "shared_cache", False)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, never written on an answer meant for shared caches.

    A proxy that stores a `public` answer may store its Set-Cookie too and hand one person's
    session to everyone who fetches the stylesheet; those answers carry no cookie at all.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if _is_shared_cache():
            return
        super().save_session(app, session, response)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _is_shared_cache():
        return response
    # Pages for a signed-in user, and links carrying a token, stay out of shared caches and
    # the browser's back-button cache after sign-out.
    if request.blueprint == "accounts" or _signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    # Never loads the user: after a lost database that would fail again, on the error page.
    user = g.get("_login_user")
    return user.is_authenticated if user is not None else "_user_id" in session


def _bound_the_input() -> None:
    """Input larger than any page needs is refused before a byte of it is decoded.

    A query string past MAX_QUERY_STRING_LENGTH is a 414. A form body (urlencoded) may be no
    larger than MAX_FORM_MEMORY_SIZE: Werkzeug applies that limit to multipart fields only,
    and decodes a urlencoded body whole, at about 0.1 ms per kilobyte of escapes.
    """
    if len(request.query_string) > current_app.config["MAX_QUERY_STRING_LENGTH"]:
        abort(414, description="This address is too long.")
    if request.mimetype == "application/x-www-form-urlencoded":
        form_limit = current_app.config["MAX_FORM_MEMORY_SIZE"]
        body_limit = request.max_content_length
        request.max_content_length = min(form_limit, body_limit or form_limit)


def _reject_nul_bytes() -> None:
    """A NUL byte is never valid input; PostgreSQL would refuse it with an error (a 500)."""
    values = [*request.args.values(), *(request.view_args or {}).values()]
    if request.method == "POST":
        values.extend(request.form.values())
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort(400, description="The request contained a character that is not allowed.")


def accepts(*, json: bool = False, files: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Let a view take a JSON body, or uploaded files under these field names.

    Pages take form posts and nothing else (see `_refuse_unexpected_bodies`). Put it between
    the route and the access decorator, on the function the route registers.
    """

    def decorator(view: F) -> F:
        # Function attributes, set through vars(): a typed Callable declares none to assign.
        vars(view).update(accepts_json=json, accepts_files=files)
        return view

    return decorator


def _refuse_unexpected_bodies() -> None:
    """A body that is not a form (415), or a file (400), where the view takes neither.

    Flask-WTF reads a JSON body as the form when there is no form data, and a form made of
    request.files and request.form together: a JSON list is a TypeError, and a file or a
    nested JSON object reaches validators written for text (a 500, not a message). The login
    rate limit keys on the form's e-mail field, so one body must have one reading.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or request.routing_exception is not None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    takes_json = request.is_json and getattr(view, "accepts_json", False)
    if has_body and request.mimetype not in FORM_TYPES and not takes_json:
        abort(415, description=FORM_POSTS_ONLY)
    if set(request.files) - set(getattr(view, "accepts_files", ())):
        abort(400, description="This form takes no file there.")


def init_app(app: Flask) -> None:
    # Routes name their ids `<id:...>`; tests/test_ids.py refuses a route with a bare `<int:...>`.
    app.url_map.converters["id"] = IdConverter
    app.session_interface = SessionInterface()
    if app.config.get("TRUSTED_PROXY_HOPS"):
        hops = int(app.config["TRUSTED_PROXY_HOPS"])
        # Flask's documented way to add WSGI middleware; Flask's types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    # First of all, before CSRF protection and the rate limits (registered earlier) read the
    # body: a refused body neither tests a password nor spends anyone's login budget.
    first = app.before_request_funcs.setdefault(None, [])
    first[:0] = [_bound_the_input, _refuse_unexpected_bodies]
    app.before_request(_reject_nul_bytes)
    app.after_request(_security_headers)
    errors.init_app(app)
