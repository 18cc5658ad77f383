"""Every state-changing route rejects a request that carries no CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing.converters import NumberConverter

from tests.conftest import sign_in

# The REST API authenticates by the Authorization header alone (portal/api/auth.py).
BEARER_ONLY = "/api/v1/"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _sample_url(app: Flask, rule) -> str:
    values = {
        name: 1 if isinstance(rule._converters[name], NumberConverter) else "sample"
        for name in rule.arguments
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def post_rules(app: Flask) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "static"
    ]


def test_there_are_post_routes_to_protect(app: Flask) -> None:
    assert len(post_rules(app)) >= 10


def test_every_post_route_rejects_a_missing_csrf_token(app: Flask, admin_user, make_user) -> None:
    client = app.test_client()
    sign_in(client, admin_user)
    for rule in post_rules(app):
        url = _sample_url(app, rule)
        response = client.post(url, data={"anything": "x"})
        if url.startswith(BEARER_ONLY):
            # Exempt from CSRF because no cookie is read there: the signed-in cookie gets 401.
            assert response.status_code == 401, f"{rule.endpoint} {url} accepted a cookie"
            continue
        assert response.status_code == 400, f"{rule.endpoint} {url} accepted a POST without CSRF"
        assert b"CSRF" in response.data


def test_a_post_with_the_token_passes_the_csrf_check(app: Flask, partner_user) -> None:
    client = app.test_client()
    page = client.get("/login")
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data)
    assert match, "the login form carries a CSRF token"
    token = match.group(1)
    response = client.post(
        "/login",
        data={"email": partner_user.email, "password": "wrong", "csrf_token": token.decode()},
    )
    assert response.status_code != 400
