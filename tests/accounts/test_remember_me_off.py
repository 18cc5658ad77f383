"""REMEMBER_DAYS=0: no "remember me" choice, and no remember-me cookie whatever is posted."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "REMEMBER_DAYS": 0}


def test_the_login_page_offers_no_remember_me(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'id="remember"' not in html
    assert "Stay signed in" not in html


def test_a_posted_remember_me_sets_no_cookie(client, auth, clock, partner_admin):
    auth.login(partner_admin, remember="y")
    assert client.get_cookie("remember_me") is None
    clock.advance(hours=8)
    assert client.get("/team").status_code == 302


def test_the_lifetime_message_does_not_mention_remember_me(client, auth, clock, partner_admin):
    auth.login(partner_admin)
    for _ in range(6):
        clock.advance(hours=2)
        client.get("/team")
    html = client.get("/login").get_data(as_text=True)
    assert "a sign-in lasts at most 12 hours. Sign in again" in html
