"""Search is rate-limited per user: as-you-type is plenty for people, a ceiling for scripts."""

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


def test_search_is_limited_per_user(app, login, partner_user, other_partner):
    client = login(partner_user)
    statuses = [client.get(f"/search?q=word{i}").status_code for i in range(301)]
    assert statuses[:300] == [200] * 300
    assert statuses[-1] == 429
    assert login(other_partner).get("/search?q=forecast").status_code == 200
