"""Password reset: the same answer for everyone, single-use expiring links, sessions ended."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import template_rendered

from portal.accounts import password_reset
from portal.accounts.models import PasswordReset
from portal.db_types import utcnow
from portal.extensions import db
from tests.accounts.helpers import latest_token, outbox, signed_in_as, without_csrf
from tests.conftest import PASSWORD

NEW_PASSWORD = "a different long password"
SENT = "If an account exists for that address"


def _set(client, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        f"/reset/{token}",
        data={"password": password, "confirm": password if confirm is None else confirm},
    )


def _request(client, email: str):
    return client.post("/reset", data={"email": email})


def test_reset_request_page_renders_labelled_form(client):
    response = client.get("/reset")
    assert response.status_code == 200
    assert '<label for="email">' in response.get_data(as_text=True)


def test_same_answer_for_known_and_unknown_address(client, other_client, partner_user):
    known = _request(client, partner_user.email)
    unknown = _request(other_client, "nobody@acme.example")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown_page = other_client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert SENT in known_page
    # Identical apart from each browser's own CSRF token.
    assert without_csrf(known_page) == without_csrf(unknown_page)


def test_unknown_address_gets_a_no_account_notice(client):
    _request(client, "nobody@acme.example")
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0
    assert outbox("password_reset") == []
    [notice] = outbox()
    assert notice.kind == "password_reset_no_account"
    assert notice.to_email == "nobody@acme.example"
    assert not notice.sensitive
    for body in (notice.body_text, notice.body_html):
        assert "no Testwind partner portal account" in body
        assert "partner manager" in body
        assert "/reset/" not in body


def test_deactivated_account_gets_no_link(client, make_user, partner_org):
    user = make_user(org=partner_org, email="off@acme.example", active=False)
    response = _request(client, user.email)
    assert response.status_code == 302
    assert [m.kind for m in outbox()] == ["password_reset_no_account"]
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0


def test_known_and_unknown_addresses_do_comparable_work(app, client, partner_user):
    """Each branch renders one e-mail (two templates) and queues one message."""
    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    with template_rendered.connected_to(record, app):
        _request(client, partner_user.email)
        known, rendered[:] = list(rendered), []
        _request(client, "nobody@acme.example")
        unknown = list(rendered)
    assert known == ["email/password_reset.txt", "email/password_reset.html"]
    assert unknown == [
        "email/password_reset_no_account.txt",
        "email/password_reset_no_account.html",
    ]
    assert len(outbox("password_reset")) == len(outbox("password_reset_no_account")) == 1


def test_reset_email_is_marked_sensitive(client, partner_user):
    _request(client, partner_user.email)
    [message] = outbox("password_reset", partner_user.email)
    assert message.sensitive


@pytest.mark.parametrize("email", ["pat@acme.example", "nobody@acme.example"])
def test_at_most_one_email_per_address_every_five_minutes(client, partner_user, email):
    responses = [_request(client, email) for _ in range(60)]
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {(302, "/login")}
    assert len(outbox(to=email)) == 1
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) <= 1


def test_a_new_reset_email_after_five_minutes(client, partner_user):
    _request(client, partner_user.email)
    reset = db.session.scalar(sa.select(PasswordReset))
    reset.created_at = utcnow() - timedelta(minutes=5, seconds=1)
    db.session.commit()
    _request(client, partner_user.email)
    assert len(outbox("password_reset", partner_user.email)) == 2


def test_a_used_reset_does_not_hold_back_the_next(client, partner_user):
    _request(client, partner_user.email)
    assert _set(client, latest_token("password_reset", partner_user.email)).status_code == 302
    _request(client, partner_user.email)
    assert len(outbox("password_reset", partner_user.email)) == 2


def test_no_account_notice_after_five_minutes(client):
    _request(client, "nobody@acme.example")
    [notice] = outbox()
    notice.created_at = utcnow() - timedelta(minutes=5, seconds=1)
    db.session.commit()
    _request(client, "nobody@acme.example")
    assert len(outbox("password_reset_no_account", "nobody@acme.example")) == 2


def test_reset_flow_end_to_end(client, auth, partner_user):
    assert _request(client, " PAT@acme.example ").status_code == 302
    messages = outbox("password_reset", partner_user.email)
    assert len(messages) == 1
    token = latest_token("password_reset", partner_user.email)
    reset = db.session.scalar(sa.select(PasswordReset))
    assert token not in reset.token_hash
    assert reset.expires_at - reset.created_at == pytest.approx(
        timedelta(minutes=60), abs=timedelta(seconds=5)
    )

    assert client.get(f"/reset/{token}").status_code == 200
    response = _set(client, token)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "Your password has been changed" in client.get("/login").get_data(as_text=True)

    assert auth.login(partner_user, password=PASSWORD).status_code == 422
    assert auth.login(partner_user, password=NEW_PASSWORD).status_code == 302


def test_reset_link_is_single_use(client, partner_user):
    _request(client, partner_user.email)
    token = latest_token("password_reset", partner_user.email)
    assert _set(client, token).status_code == 302
    again = client.get(f"/reset/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert _set(client, token, "yet another long password").status_code == 410
    db.session.refresh(partner_user)
    assert partner_user.check_password(NEW_PASSWORD)


def test_reset_link_expires(client, partner_user):
    _request(client, partner_user.email)
    token = latest_token("password_reset", partner_user.email)
    reset = db.session.scalar(sa.select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/reset/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert _set(client, token).status_code == 410
    assert password_reset.reset_problem(password_reset.find_reset(token)) == "expired"


def test_unknown_reset_link_is_a_clear_404(client):
    response = client.get("/reset/no-such-token")
    assert response.status_code == 404
    assert "Request a new reset link" in response.get_data(as_text=True)


def test_using_one_link_invalidates_the_others(client, partner_user):
    _request(client, partner_user.email)
    first = latest_token("password_reset", partner_user.email)
    # A second e-mail is only sent once the first is five minutes old.
    db.session.scalar(sa.select(PasswordReset)).created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    _request(client, partner_user.email)
    second = latest_token("password_reset", partner_user.email)
    assert first != second
    assert _set(client, second).status_code == 302
    assert client.get(f"/reset/{first}").status_code == 410


def test_old_sessions_are_invalid_after_reset(client, other_client, auth, partner_admin):
    auth.login(partner_admin, remember="y")
    assert client.get("/team").status_code == 200

    _request(other_client, partner_admin.email)
    token = latest_token("password_reset", partner_admin.email)
    assert _set(other_client, token).status_code == 302

    response = client.get("/team")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    # The old session still names the old token, which no longer belongs to anyone.
    db.session.refresh(partner_admin)
    assert signed_in_as(client) != partner_admin.session_token


@pytest.mark.parametrize(
    "password,confirm,message",
    [
        ("short", "short", "Use at least 12 characters."),
        ("1234567890123", "1234567890123", "Use more than digits"),
        ("pat@acme.example", "pat@acme.example", "Do not use your e-mail address"),
        (NEW_PASSWORD, "not the same at all", "The two passwords do not match."),
        ("", "", "Choose a password."),
    ],
)
def test_reset_form_bad_input_rerenders_with_message(
    client, partner_user, password, confirm, message
):
    _request(client, partner_user.email)
    token = latest_token("password_reset", partner_user.email)
    response = _set(client, token, password, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert password_reset.reset_problem(password_reset.find_reset(token)) is None


@pytest.mark.parametrize(
    "email,message",
    [("", "Enter your e-mail address."), ("not an address", "Enter a valid e-mail address.")],
)
def test_reset_request_bad_input_rerenders_with_message(client, email, message):
    response = _request(client, email)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
