"""What every request and response goes through: headers, input limits, error pages.

The error pages themselves, and the answer to a lost database, are in portal/errors.py.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, g, make_response, render_template, request, session
from jinja2_fragments.flask import render_block
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from portal import errors

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
# Database ids are 32-bit or 64-bit integers; a larger number in a URL is simply not found.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: non-negative and small enough for any database column."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


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


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages for a signed-in user, and links carrying a token, stay out of shared caches and
    # the browser's back-button cache after sign-out.
    if request.endpoint != "static" and (request.blueprint == "accounts" or _signed_in()):
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    # Never loads the user: after a lost database that would fail again, on the error page.
    user = g.get("_login_user")
    return user.is_authenticated if user is not None else "_user_id" in session


def _reject_nul_bytes() -> None:
    """A NUL byte is never valid input; PostgreSQL would refuse it with an error (a 500)."""
    values = [*request.args.values(), *(request.view_args or {}).values()]
    if request.method == "POST":
        values.extend(request.form.values())
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort(400, description="The request contained a character that is not allowed.")


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    if app.config.get("TRUSTED_PROXY_HOPS"):
        hops = int(app.config["TRUSTED_PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_reject_nul_bytes)
    app.after_request(_security_headers)
    errors.init_app(app)
