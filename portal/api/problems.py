"""RFC 9457 problem documents for every error the API answers, and their OpenAPI description.

The portal's own error handlers (portal/errors.py) answer paths under /api/v1 with a problem
document too (an unknown path, a wrong method, a server error); these handlers, registered on
the API's blueprints, add what only the API knows: the field errors of a 422 and the
`WWW-Authenticate` challenge of a 401.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
# Every status an API operation may answer with besides its success.
ERROR_CODES = (400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 428, 429)


class ApiProblem(Exception):
    """Raised by API code to answer with a problem document."""

    def __init__(self, status: int, detail: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def problem(status: int, detail: str, errors: dict[str, Any] | None = None) -> Response:
    """A problem document: type, title, status, detail and, for a 422, the fields' errors."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = current_app.response_class(
        f"{current_app.json.dumps(body)}\n", status=status, mimetype=PROBLEM_JSON
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_http(error: HTTPException) -> Response:
    from portal.extensions import db

    db.session.rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if status == 422 and messages:
        # webargs nests errors by location ("json", "query", "headers"); keep that shape.
        return problem(422, "The request has invalid fields.", messages)
    detail = error.description or HTTP_STATUS_CODES.get(status, "Error")
    response = problem(status, detail)
    if status == 429 and error.get_headers():
        for name, value in error.get_headers():
            if name.lower() == "retry-after":
                response.headers[name] = value
    return response


def _from_api(error: ApiProblem) -> Response:
    from portal.extensions import db

    db.session.rollback()
    return problem(error.status, error.detail, error.errors)


def register_handlers(bp: Blueprint) -> None:
    """Answer every error raised in the blueprint's views with a problem document.

    Registered per status code: Flask prefers the app's code handlers (HTML pages) to a
    blueprint's handler of the HTTPException class, but a blueprint's code handler to both.
    """
    for code in ERROR_CODES:
        bp.register_error_handler(code, _from_http)
    bp.register_error_handler(ApiProblem, _from_api)


def init_app(app: Flask, prefix: str) -> None:
    """Tell the portal's error handlers to answer paths under `prefix` with problem documents."""
    paths = tuple(app.config.get("PROBLEM_JSON_PATHS", ()))
    if prefix not in paths:
        app.config["PROBLEM_JSON_PATHS"] = (*paths, prefix)
