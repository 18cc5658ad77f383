"""The account rules without a request: e-mail syntax, password rules, authentication."""

from __future__ import annotations

import pytest

from portal.accounts import authentication, credentials, users
from portal.accounts.credentials import hash_token, new_token
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "raw,expected",
    [
        (" Pat@Acme.Example ", "pat@acme.example"),
        ("a.b+c@sub.example.com", "a.b+c@sub.example.com"),
    ],
)
def test_normalise_email(raw, expected):
    assert credentials.normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "no-at-sign", "two@@signs.example", "a@b"])
def test_normalise_email_rejects_bad_syntax(raw):
    with pytest.raises(credentials.InvalidEmail):
        credentials.normalise_email(raw)


@pytest.mark.parametrize(
    "password,problem",
    [
        ("eleven char", "at least 12"),
        ("123456789012", "more than digits"),
        ("pat@acme.example", "e-mail"),
        ("PAT@ACME.EXAMPLE", "e-mail"),
        ("x" * 257, "at most 256"),
    ],
)
def test_password_rules(password, problem):
    assert problem in credentials.password_problem(password, "pat@acme.example")


def test_good_password_passes():
    assert credentials.password_problem("twelve chars", "pat@acme.example") is None


def test_tokens_are_random_and_stored_hashed():
    token, digest = new_token()
    assert len(token) >= 40
    assert digest == hash_token(token) != token
    assert new_token()[0] != token


def test_authenticate(app, partner_user):
    assert authentication.authenticate("PAT@acme.example", PASSWORD) is partner_user
    assert authentication.authenticate(partner_user.email, "wrong password") is None
    assert authentication.authenticate("nobody@acme.example", PASSWORD) is None
    assert authentication.authenticate("", "") is None


def test_load_signed_in_user_follows_the_session_token(app, partner_user):
    token = partner_user.session_token
    assert authentication.load_signed_in_user(token) is partner_user
    partner_user.set_password("another fine password")
    assert authentication.load_signed_in_user(token) is None
    assert authentication.load_signed_in_user(partner_user.session_token) is partner_user


def test_team_members_lists_admins_first(app, make_user, partner_org):
    user = make_user(org=partner_org, email="aaron@acme.example", name="Aaron User")
    admin = make_user("partner_admin", partner_org, email="zoe@acme.example", name="Zoe Admin")
    assert users.team_members(partner_org) == [admin, user]
