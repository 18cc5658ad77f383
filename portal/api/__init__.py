"""The REST API under /api/v1, described by an OpenAPI 3.1 document, and its tokens.

Why flask-smorest (not APIFlask): the portal is a plain Flask app with blueprints, and
flask-smorest is an extension of exactly that (`Api(app)`, blueprints registered on it),
whereas APIFlask replaces the `Flask` class itself. Its marshmallow schemas are declared once
and serve both the request validation (webargs) and the document (apispec, which writes
OpenAPI 3.1 when OPENAPI_VERSION says so: nullable fields become `type: [..., "null"]`).
What it needs from us: errors as RFC 9457 problem documents (portal/api/problems.py, with the
shared error responses re-described as `application/problem+json` here) and no UI from a CDN:
the reference page is rendered on the server from the same document (reference.py).

Why the tokens live here and not in a feature of their own: they exist only for the API, and
the API is their only reader; one room keeps the hashing, the scopes and the check together.
Nothing imports this package but the app factory: it calls the other features' doors.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from portal.ids import ID_MAX, IdConverter

PREFIX = "/api/v1"


class Api(SmorestApi):
    """flask-smorest's Api with problem documents for errors and no app-wide error handler."""

    ERROR_SCHEMA: Any = None  # set in init_app (the schema module imports the referrals door)
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its error statuses

    def _register_error_handlers(self) -> None:
        # flask-smorest would answer every HTTPException of the whole portal with JSON; the
        # API's blueprints register their own handlers (problems.register_handlers).
        return None

    def _register_responses(self) -> None:
        from portal.api.problems import PROBLEM_JSON

        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


def init_app(app: Flask) -> None:
    """The API's blueprints, its document, the token pages and the reference page."""
    from portal.api import (
        customer_routes,
        insights_routes,
        meta_views,
        org_routes,
        problems,
        referral_routes,
        staff_routes,
        token_views,
    )
    from portal.api.schemas import ProblemSchema

    app.config.setdefault("API_TITLE", "Flywheel partner API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    app.config.setdefault("API_FAILED_AUTH_LIMIT", "30 per minute")
    problems.init_app(app, PREFIX + "/")

    Api.ERROR_SCHEMA = ProblemSchema
    api = Api(
        app,
        spec_kwargs={
            "servers": [{"url": "/"}],
            "info": {
                "description": "Partner and staff access to the partner portal. "
                "Send a token as `Authorization: Bearer <token>`; errors are "
                "RFC 9457 problem documents. See docs/integrations.md."
            },
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token"}
    )
    api.register_converter(
        IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": ID_MAX}
    )
    for bp in (
        referral_routes.bp,
        org_routes.bp,
        staff_routes.bp,
        customer_routes.bp,
        insights_routes.bp,
    ):
        api.register_blueprint(bp)
    meta_views.init_app(app, api)
    token_views.init_app(app)
