"""The whole OpenID Connect sign-in against the test provider on 127.0.0.1: the login page's
routing, state, nonce and PKCE, the ID token's checks, and whom it signs in."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey

from portal.accounts.api import create_invite, suspend_organization
from portal.accounts.models import Organization, Role, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.sso import views
from portal.sso.models import SsoIdentity
from tests.conftest import PASSWORD, new_user
from tests.sso.conftest import approve, configure, continue_url, sso_sign_in, start_sign_in
from tests.sso.provider import LoopbackProvider


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def configured(app: Flask, provider: LoopbackProvider, acme: Organization, staff_member: User):
    return configure(app, acme, staff_member, provider.issuer)


def test_the_login_page_asks_for_the_email_first_only_once_sso_is_on(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, acme, staff_member
) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert 'type="password"' in page  # no provider anywhere: the one-step form
    configure(app, acme, staff_member, provider.issuer)
    page = client.get("/login").get_data(as_text=True)
    assert 'type="password"' not in page
    assert "Continue" in page


def test_an_address_elsewhere_gets_the_password_form_and_signs_in(
    client: FlaskClient, configured, make_org
) -> None:
    other = new_user(Role.PARTNER_USER, make_org(), email="pat@elsewhere.example")
    response = client.post("/login/email", data={"email": "PAT@elsewhere.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'type="password"' in page and 'value="pat@elsewhere.example"' in page
    response = client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_known_user_signs_in_through_the_provider(
    client: FlaskClient, provider: LoopbackProvider, configured, acme
) -> None:
    user = new_user(Role.PARTNER_ADMIN, acme, email="sam@acme.example")
    authorize = start_sign_in(client, "sam@acme.example")
    query = dict(parse_qsl(urlsplit(authorize).query))
    assert authorize.startswith(provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["login_hint"] == "sam@acme.example"
    response = client.get(approve(authorize))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    link = db.session.scalar(sa.select(SsoIdentity))
    assert link is not None and link.user_id == user.id and link.subject == "subject-1"
    assert "sso.signed_in" in _actions()


def test_the_next_page_survives_the_trip(client: FlaskClient, configured, acme) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    response = client.post("/login/email", data={"email": "sam@acme.example", "next": "/learn"})
    start = client.get(continue_url(response))
    response = client.get(approve(start.headers["Location"]))
    assert response.headers["Location"] == "/learn"


def test_jit_provisioning_creates_a_partner_user(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, acme, staff_member
) -> None:
    configure(app, acme, staff_member, provider.issuer, jit_provisioning=True)
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "sam@acme.example"))
    assert user is not None and user.role == Role.PARTNER_USER and user.organization_id == acme.id
    assert user.password_hash is None and user.name == "Sam Single"
    assert {"user.provisioned", "sso.signed_in"} <= set(_actions())


def test_without_jit_a_newcomer_needs_an_invitation(
    client: FlaskClient, provider: LoopbackProvider, configured, acme
) -> None:
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert "Ask your partner admin" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "sam@acme.example")) is None
    assert _actions()[-1] == "sso.refused"

    create_invite("sam@acme.example", Role.PARTNER_ADMIN, acme, None)
    db.session.commit()
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "sam@acme.example"))
    assert user is not None and user.role == Role.PARTNER_ADMIN


def test_a_deactivated_user_cannot_sign_in(client: FlaskClient, configured, acme) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example", active=False)
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_a_suspended_organisation_cannot_sign_in(
    client: FlaskClient, configured, acme, staff_member
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    suspend_organization(acme, staff_member)
    db.session.commit()
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert "suspended" in response.get_data(as_text=True)


def test_an_address_outside_the_domains_is_refused(
    client: FlaskClient, provider: LoopbackProvider, configured, acme
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    # The provider vouches for an address at another company's domain.
    response = sso_sign_in(client, "sam@acme.example", provider_email="ceo@globex.example")
    assert response.status_code == 403
    assert "globex.example is not a domain" in response.get_data(as_text=True)


def test_an_account_of_another_organisation_is_not_taken_over(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, configured, make_org
) -> None:
    new_user(Role.PARTNER_USER, make_org(), email="sam@acme.example")
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert "another organisation" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        ({"nonce": "someone-elses-nonce"}, "nonce differs"),
        ({"aud": "another-client"}, "audience is not this portal"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "has expired"),
        ({"iss": "https://evil.example"}, "issued by another provider"),
        ({"email_verified": False}, "has not verified"),
    ],
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(
    client: FlaskClient, provider: LoopbackProvider, configured, acme, tamper, words
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    provider.tamper = tamper
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert words in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_token_signed_with_another_key_is_refused(
    client: FlaskClient, provider: LoopbackProvider, configured, acme
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    provider.tamper = {"_key": RSAKey.generate_key(2048, {"kid": "k1"})}
    response = sso_sign_in(client, "sam@acme.example")
    assert response.status_code == 403
    assert "signature does not match" in response.get_data(as_text=True)


def test_a_wrong_state_is_refused_and_the_code_never_exchanged(
    client: FlaskClient, provider: LoopbackProvider, configured, acme
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    callback = approve(start_sign_in(client, "sam@acme.example"))
    forged = callback.replace("state=", "state=x")
    before = provider.token_requests
    response = client.get(forged)
    assert response.status_code == 400
    assert "does not match this sign-in" in response.get_data(as_text=True)
    assert provider.token_requests == before
    # The flow was used up: the genuine answer afterwards cannot sign in either.
    assert client.get(callback).status_code == 400


def test_an_answer_in_another_browser_is_refused(
    app: Flask, client: FlaskClient, configured, acme
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    callback = approve(start_sign_in(client, "sam@acme.example"))
    response = app.test_client().get(callback)
    assert response.status_code == 400
    assert "not started in this browser" in response.get_data(as_text=True)


def test_a_tampered_pkce_verifier_is_refused_by_the_provider(
    client: FlaskClient, configured, acme
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    callback = approve(start_sign_in(client, "sam@acme.example"))
    with client.session_transaction() as session:
        session[views.FLOW_KEY] = {**session[views.FLOW_KEY], "verifier": "x" * 64}
    response = client.get(callback)
    assert response.status_code == 502
    assert client.get("/").status_code == 302


def test_a_sign_in_that_took_too_long_is_refused(
    client: FlaskClient, configured, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    callback = approve(start_sign_in(client, "sam@acme.example"))
    later = views._now() + 3600
    monkeypatch.setattr(views, "_now", lambda: later)
    response = client.get(callback)
    assert response.status_code == 400
    assert "took too long" in response.get_data(as_text=True)


def test_the_provider_refusing_is_explained(client: FlaskClient, configured) -> None:
    authorize = start_sign_in(client, "sam@acme.example")
    state = dict(parse_qsl(urlsplit(authorize).query))["state"]
    response = client.get(f"/sso/callback?error=access_denied&state={state}")
    assert response.status_code == 403
    assert "did not sign you in (access_denied)" in response.get_data(as_text=True)


def test_password_login_can_be_turned_off_for_the_organisation(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, acme, staff_member
) -> None:
    user = new_user(Role.PARTNER_USER, acme, email="sam@acme.example")
    configure(app, acme, staff_member, provider.issuer, password_login_disabled=True)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "signs in with single sign-on" in response.get_data(as_text=True)
    assert sso_sign_in(client, user.email).status_code == 302


def test_staff_sign_in_through_the_teams_own_provider(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, admin_user
) -> None:
    configure(app, None, admin_user, provider.issuer, domains="vendor.example")
    member = new_user(Role.STAFF, None, email="sam@vendor.example")
    provider.person.email = member.email
    response = sso_sign_in(client, member.email)
    assert response.status_code == 302
    assert "sso.signed_in" in _actions()


def test_what_the_provider_sends_back_is_escaped(client: FlaskClient, configured) -> None:
    authorize = start_sign_in(client, "sam@acme.example")
    state = dict(parse_qsl(urlsplit(authorize).query))["state"]
    response = client.get(
        "/sso/callback", query_string={"error": "<script>alert(1)</script>", "state": state}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_an_unknown_or_switched_off_provider_does_not_start(
    app: Flask, client: FlaskClient, provider: LoopbackProvider, acme, staff_member
) -> None:
    sso = configure(app, acme, staff_member, provider.issuer, enabled=False)
    assert client.get(f"/sso/start/{sso.id}").status_code == 404
    assert client.get("/sso/start/12345").status_code == 404
    # Switched off, the login page keeps its one step and the address signs in by password.
    assert 'type="password"' in client.get("/login").get_data(as_text=True)
