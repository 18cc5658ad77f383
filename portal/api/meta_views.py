"""/api/v1/ (where things are), /api/v1/openapi.json (the document) and the reference page.

The document and the index are public: they describe the API, hold no data, and a client
needs them before it has a token. The reference page is an ordinary portal page (signed in,
outside /api/v1 where no cookie is read), rendered on the server from the same document.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, url_for
from flask_smorest import Api

from portal.accounts.access import login_required, public
from portal.api.reference import operations, schemas

bp = Blueprint("api_meta", __name__)


def _document() -> dict[str, Any]:
    api: Api = current_app.extensions["flywheel-api"]
    cached: dict[str, Any] | None = current_app.extensions.get("flywheel-api-document")
    if cached is None:
        cached = api.spec.to_dict()
        current_app.extensions["flywheel-api-document"] = cached
    return cached


@public
def index() -> Any:
    """Where the API's document and reference are."""
    return jsonify(
        {
            "openapi": url_for("api_meta.openapi_json"),
            "reference": url_for("api_meta.reference"),
            "version": current_app.config["API_VERSION"],
        }
    )


@public
def openapi_json() -> Any:
    """The OpenAPI 3.1 document of /api/v1."""
    return jsonify(_document())


@login_required
def reference() -> str:
    """Every operation with its parameters, bodies, responses and scopes."""
    document = _document()
    return render_template(
        "api/reference.html",
        info=document["info"],
        version=document["openapi"],
        operations=operations(document),
        schemas=schemas(document),
    )


bp.add_url_rule("/api/v1/", view_func=index)
bp.add_url_rule("/api/v1/openapi.json", view_func=openapi_json)
bp.add_url_rule("/developers/api", view_func=reference)


def init_app(app: Flask, api: Api) -> None:
    app.extensions["flywheel-api"] = api
    app.register_blueprint(bp)
