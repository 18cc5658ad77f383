"""Login and password-reset rate limits, per account and per address."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.accounts import authentication
from portal.accounts.credentials import email_limit_key
from portal.extensions import limiter
from tests.accounts.helpers import outbox, signed_in_as
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


# --- one rule for the body, one key per account ------------------------------------------

NOT_A_FORM = "This page accepts only its own form (a form post), not JSON or other request bodies."


def _full_width(text: str) -> str:
    """The text as full-width characters, as some East Asian keyboard modes type it."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _form(client, email: str, password: str = "wrong password here", *, multipart=False):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        content_type="multipart/form-data" if multipart else None,
        environ_base={"REMOTE_ADDR": "10.0.5.1"},
    )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"json": {"email": "pat@acme.example", "password": PASSWORD}}, 415, NOT_A_FORM),
        (
            {"data": "email=pat@acme.example&password=x", "content_type": "text/plain"},
            415,
            NOT_A_FORM,
        ),
        ({"data": "<login/>", "content_type": "application/xml"}, 415, NOT_A_FORM),
        ({"data": b"email=pat%40acme.example", "content_type": ""}, 415, NOT_A_FORM),
        (
            {
                "data": {"email": (b"pat@acme.example", "e.txt"), "password": PASSWORD},
                "content_type": "multipart/form-data",
            },
            400,
            "This form takes no file there.",
        ),
    ],
    ids=["json", "text", "xml", "no-type", "file"],
)
def test_a_login_that_is_not_a_form_post_is_refused(client, partner_user, body, status, message):
    if isinstance(body.get("data"), dict):  # a fresh file object for every run
        content, name = body["data"]["email"]
        body = {**body, "data": {**body["data"], "email": (io.BytesIO(content), name)}}
    response = client.post("/login", **body)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_json_cannot_get_around_the_account_limit(client, partner_user):
    """JSON is refused before it is read, so it can neither guess nor spend anyone's budget."""
    for _ in range(10):
        response = client.post(
            "/login",
            json={"email": partner_user.email, "password": "guess number n"},
            environ_base={"REMOTE_ADDR": "10.0.5.9"},
        )
        assert response.status_code == 415
    assert _form(client, partner_user.email, PASSWORD).status_code == 302


def test_sixth_attempt_through_mixed_bodies_and_spellings_is_refused(client, partner_user):
    spellings = [
        ("pat@acme.example", False),
        (" PAT@ACME.EXAMPLE ", True),
        (_full_width("pat@acme.example"), False),
        ("\u00a0Pat@Acme.Example\u3000", True),  # no-break and ideographic spaces
        ("pAt@acme.EXAMPLE", False),
    ]
    for email, multipart in spellings:
        assert _form(client, email, multipart=multipart).status_code == 422
        client.post("/login", json={"email": email, "password": "x"})  # refused, uncounted
    response = _form(client, "PAT@acme.example", PASSWORD, multipart=True)
    assert response.status_code == 429
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "spelling", [_full_width("pat") + "@acme.example", "\u2003pat@acme.example", "PAT@ACME.EXAMPLE"]
)
def test_every_spelling_that_is_counted_together_finds_the_same_account(
    client, partner_user, spelling
):
    """The limit and the look-up read the address the same way: what one counts, the other finds."""
    assert email_limit_key(spelling) == email_limit_key(partner_user.email)
    assert authentication.authenticate(spelling, PASSWORD) == partner_user
    assert _form(client, spelling, PASSWORD).status_code == 302


def test_a_json_reset_request_is_refused_and_sends_nothing(client, partner_user):
    response = client.post("/reset", json={"email": partner_user.email})
    assert response.status_code == 415
    assert outbox() == []
