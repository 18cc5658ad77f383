"""Error pages: roll back first, render without the database, answer a lost database with 503.

Every error handler ends the request's transaction before it renders anything, so nothing
half-written is committed later and the page itself cannot trip over the failed transaction.
Pages show the signed-in user from what the request had already loaded; they never need the
database, so they still render while it is down.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, render_template, request
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from portal import database_outage
from portal.accounts.models import User
from portal.database_outage import database_lost, note_database_lost
from portal.extensions import db, login_manager

__all__ = ["RETRY_AFTER_SECONDS", "UNAVAILABLE_DETAIL", "problem_response", "unavailable_response"]

RETRY_AFTER_SECONDS = 60
UNAVAILABLE_DETAIL = (
    "The portal is temporarily unavailable, and nothing was saved. Please try again in a minute."
)
# What base.html reads from the signed-in user (the role decides the navigation).
_PAGE_USER_FIELDS = ("role", "name", "email", "session_token")
_PROBLEM_JSON = "application/problem+json"


def _wants_json() -> bool:
    # The REST API (portal/api) answers with problem documents whatever the client accepts.
    if request.path.startswith(tuple(current_app.config.get("PROBLEM_JSON_PATHS", ()))):
        return True
    best = request.accept_mimetypes.best_match(["text/html", _PROBLEM_JSON, "application/json"])
    return best in (_PROBLEM_JSON, "application/json")


def problem_response(status: int, detail: str) -> Response:
    """An RFC 9457 problem document: type, title, status and detail."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    return current_app.response_class(
        f"{current_app.json.dumps(body)}\n", status=status, mimetype=_PROBLEM_JSON
    )


def unavailable_response() -> Response:
    """503 for a lost database: a calm page (or a problem document), Retry-After, no caching."""
    if _wants_json():
        response = problem_response(503, UNAVAILABLE_DETAIL)
    else:
        body = render_template("unavailable.html", detail=UNAVAILABLE_DETAIL)
        response = current_app.response_class(body, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _already_loaded_user() -> Any:
    """The user as this request already loaded them, copied so that reading it never queries.

    None when the request has not loaded the user, or a commit has expired what it loaded.
    """
    user = g.get("_login_user")
    if not isinstance(user, User):
        return user  # None (not loaded yet) or the anonymous user
    loaded: dict[str, Any] = sa.inspect(user).dict
    if not all(field in loaded for field in _PAGE_USER_FIELDS):
        return None
    # A transient User, in no session: its properties (is_partner, ...) work, nothing loads.
    return User(**{field: loaded[field] for field in _PAGE_USER_FIELDS})


def _load_page_user() -> Any:
    """Load the signed-in user now (after the rollback), as a copy that never queries."""
    user = current_user._get_current_object()
    if not isinstance(user, User):
        return user
    return User(**{field: getattr(user, field) for field in _PAGE_USER_FIELDS})


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # The connection broke during the rollback; the server discards the transaction.
        db.session.close()


def _end_transaction() -> DBAPIError | None:
    """Roll back and settle who the page is for; the error if that showed the database lost.

    Flask-Login keeps the request's user on `g`; putting the copy there means the templates
    and the after-request hooks read it instead of loading the user again.
    """
    user = _already_loaded_user()
    _rollback()
    lost = None
    if user is None:
        try:
            user = _load_page_user()
        except SQLAlchemyError as error:
            _rollback()
            if isinstance(error, DBAPIError) and database_lost(error):
                note_database_lost(error)
                lost = error
            else:
                current_app.logger.exception("could not load the signed-in user for an error page")
            user = login_manager.anonymous_user()
    g._login_user = user
    return lost


def _http_error(error: HTTPException) -> Response | tuple[str, int]:
    if _end_transaction() is not None:
        return unavailable_response()
    status = error.code or 500
    if _wants_json():
        return problem_response(status, error.description or "")
    return render_template("error.html", error=error), status


def _server_error(error: Exception) -> Response | tuple[str, int]:
    # Logged by Flask already; the user sees a calm page, never a stack trace.
    return _http_error(InternalServerError())


def _database_error(error: DBAPIError) -> Response:
    if not database_lost(error):
        # A failed statement is a bug: Flask logs it with its traceback, _server_error answers.
        raise error
    note_database_lost(error)
    g._login_user = _already_loaded_user() or login_manager.anonymous_user()
    _rollback()
    return unavailable_response()


def init_app(app: Flask) -> None:
    """Register the error pages and the lost-database handling."""
    database_outage.init_app(app)
    for code in (400, 403, 404, 405, 410, 413, 414, 415, 422, 429):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(DBAPIError, _database_error)
