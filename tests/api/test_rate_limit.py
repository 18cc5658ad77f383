"""Each token has its own request budget (API_RATE_LIMIT), as login has its own."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.extensions import limiter
from tests.api.helpers import bearer, token_for


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "API_RATE_LIMIT": "3 per minute",
        "API_FAILED_AUTH_LIMIT": "5 per minute",
    }


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def test_rate_limited_per_token(app: Flask, partner_admin) -> None:
    first, second = token_for(partner_admin, "org:read"), token_for(partner_admin, "org:read")
    api = app.test_client()
    codes = [api.get("/api/v1/organizations", headers=bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/api/v1/organizations", headers=bearer(first))
    assert limited.mimetype == "application/problem+json"
    assert api.get("/api/v1/organizations", headers=bearer(second)).status_code == 200


def test_made_up_tokens_are_limited_per_address(app: Flask, partner_admin) -> None:
    """Each made-up token would have a budget of its own; failures count per address."""
    api = app.test_client()
    codes = [
        api.get(
            "/api/v1/organizations", headers={"Authorization": f"Bearer fw_guess{n}"}
        ).status_code
        for n in range(6)
    ]
    assert codes == [401] * 5 + [429]
    refused = api.get("/api/v1/organizations", headers=bearer(token_for(partner_admin, "org:read")))
    assert refused.status_code == 429  # the address waits out the window, as at the login form
