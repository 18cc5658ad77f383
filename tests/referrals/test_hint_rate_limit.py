"""The live conflict hint is rate-limited per user."""

from __future__ import annotations

from typing import Any

import pytest

from portal.extensions import limiter


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def test_the_hint_is_rate_limited_per_user(app, login, partner_user, other_partner):
    """Enough for typing forms, too few to map the customer list by script."""
    client = login(partner_user)
    statuses = [
        client.get(f"/referrals/hint?company_website=probe-{i}.co.uk").status_code
        for i in range(125)
    ]
    assert statuses[:120] == [200] * 120
    assert statuses[-1] == 429
    # Another partner has their own allowance.
    assert login(other_partner).get("/referrals/hint?company_website=x.co.uk").status_code == 200
