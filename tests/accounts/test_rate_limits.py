"""Login and password-reset rate limits, per account and per address."""

from __future__ import annotations

from typing import Any

import pytest

from portal.extensions import limiter
from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The default limits (5 per minute per account, 20 per minute per address), switched on."""
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "20 per minute;200 per hour",
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": "5 per minute;30 per hour",
    }


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def _login(client, email: str, address: str, password: str = "wrong password here"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sixth_attempt_for_one_account_from_many_addresses_is_refused(client, partner_user):
    for i in range(5):
        assert _login(client, partner_user.email, f"10.0.0.{i + 1}").status_code == 422
    response = _login(client, partner_user.email, "10.0.0.99")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password waits: the limit is on attempts, not on failures.
    assert _login(client, partner_user.email, "10.0.0.100", PASSWORD).status_code == 429


def test_account_limit_ignores_case_and_spaces(client, partner_user):
    variants = [" PAT@ACME.EXAMPLE", "pat@acme.example", "Pat@Acme.Example ", "PAT@acme.example"]
    for i, email in enumerate([*variants, "pat@acme.example"]):
        assert _login(client, email, f"10.0.1.{i + 1}").status_code == 422
    assert _login(client, "Pat@acme.EXAMPLE", "10.0.1.50").status_code == 429


def test_unknown_account_is_limited_like_a_known_one(client):
    for i in range(5):
        assert _login(client, "ghost@acme.example", f"10.0.2.{i + 1}").status_code == 422
    assert _login(client, "ghost@acme.example", "10.0.2.99").status_code == 429


def test_other_accounts_are_not_affected(client, partner_user, partner_admin):
    for i in range(6):
        _login(client, partner_user.email, f"10.0.3.{i + 1}")
    response = _login(client, partner_admin.email, "10.0.3.50", PASSWORD)
    assert response.status_code == 302


def test_many_accounts_from_one_address_are_refused(client):
    for i in range(20):
        assert _login(client, f"person{i}@acme.example", "192.0.2.7").status_code == 422
    response = _login(client, "person-new@acme.example", "192.0.2.7")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Another address is still served, and the page itself is never limited.
    assert _login(client, "person-new@acme.example", "192.0.2.8").status_code == 422
    page = client.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert page.status_code == 200


def test_reset_requests_are_limited_per_address(client):
    for i in range(20):
        response = client.post(
            "/reset",
            data={"email": f"person{i}@acme.example"},
            environ_base={"REMOTE_ADDR": "192.0.2.9"},
        )
        assert response.status_code == 302
    response = client.post(
        "/reset", data={"email": "x@acme.example"}, environ_base={"REMOTE_ADDR": "192.0.2.9"}
    )
    assert response.status_code == 429
    assert client.get("/reset", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200


def _reset(client, email: str, address: str):
    return client.post("/reset", data={"email": email}, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("email", ["pat@acme.example", "ghost@acme.example"])
def test_reset_requests_are_limited_per_email(client, partner_user, email):
    """Like sign-in: the per-account limit, keyed on the submitted address, known or not."""
    variants = [email.upper(), f" {email}", email, email.capitalize(), f"{email} "]
    for i, variant in enumerate(variants):
        assert _reset(client, variant, f"10.0.4.{i + 1}").status_code == 302
    response = _reset(client, email, "10.0.4.99")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Another address is still served.
    assert _reset(client, "someone-else@acme.example", "10.0.4.99").status_code == 302


def _invite(client, email: str):
    return client.post("/team/invite", data={"email": email, "role": "partner_user"})


def test_team_invites_are_limited_per_signed_in_user(client, partner_admin, login):
    login(partner_admin)
    for i in range(30):
        assert _invite(client, f"colleague{i}@acme.example").status_code == 302
    response = _invite(client, "one-more@acme.example")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # The team page itself is not limited.
    assert client.get("/team").status_code == 200


def test_team_invite_limit_is_per_user_not_per_address(client, make_user, partner_org, login):
    first = make_user("partner_admin", partner_org, email="first@acme.example")
    second = make_user("partner_admin", partner_org, email="second@acme.example")
    login(first)
    for i in range(31):
        _invite(client, f"colleague{i}@acme.example")
    assert _invite(client, "x@acme.example").status_code == 429
    login(second)
    assert _invite(client, "x@acme.example").status_code == 302
