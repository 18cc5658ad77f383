"""The provider settings: who configures what, verified domains, the secret kept encrypted and
never shown, the address guard, audit entries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Organization, Role, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.sso.api import SettingsRefused, provider_for
from portal.sso.provider_http import ProviderUnreachable, require_allowed
from portal.sso.secret_box import reveal
from tests.conftest import new_org, new_user
from tests.sso.conftest import configure
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider


@pytest.fixture
def acme_admin(acme: Organization) -> User:
    return new_user(Role.PARTNER_ADMIN, acme, email="alex@acme.example", name="Alex Kim")


def _form(issuer: str, domains: str = "acme.example", **extra: str) -> dict[str, str]:
    return {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "domains": domains,
        "enabled": "y",
        **extra,
    }


def test_a_partner_admin_sets_up_their_provider(
    app: Flask, client: FlaskClient, login, provider: LoopbackProvider, acme, acme_admin
) -> None:
    login(acme_admin)
    page = client.get("/team/sso").get_data(as_text=True)
    assert "/sso/callback" in page  # the redirect URI to register at the provider
    response = client.post("/team/sso", data=_form(provider.issuer))
    assert response.status_code == 302
    saved = provider_for(acme.id)
    assert saved is not None and saved.enabled and saved.domain_names == ["acme.example"]
    assert saved.domains[0].verified_by == "admin_email"
    # Stored encrypted, readable with the app's key only, and never shown back.
    assert CLIENT_SECRET not in saved.client_secret_encrypted
    assert reveal(saved.client_secret_encrypted, app.config["SECRET_KEY"]) == CLIENT_SECRET
    assert reveal(saved.client_secret_encrypted, "another key") is None
    page = client.get("/team/sso").get_data(as_text=True)
    assert CLIENT_SECRET not in page and saved.client_secret_encrypted not in page
    assert "A secret is stored" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "sso.configured"))
    assert entry is not None and entry.organization_id == acme.id
    assert CLIENT_SECRET not in str(entry.after)


def test_an_empty_secret_keeps_the_stored_one(
    app: Flask, client: FlaskClient, login, provider: LoopbackProvider, acme, acme_admin
) -> None:
    login(acme_admin)
    client.post("/team/sso", data=_form(provider.issuer))
    response = client.post(
        "/team/sso", data=_form(provider.issuer, client_secret="", jit_provisioning="y")
    )
    assert response.status_code == 302
    saved = provider_for(acme.id)
    assert saved is not None and saved.jit_provisioning
    assert reveal(saved.client_secret_encrypted, app.config["SECRET_KEY"]) == CLIENT_SECRET
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "sso.changed"))


@pytest.mark.parametrize(
    ("domains", "words"),
    [
        ("gmail.com", "public mail domain"),
        ("mail.yahoo.com", "public mail domain"),
        ("globex.example", "could not be verified"),
        ("not a domain!", "is not a domain name"),
    ],
)
def test_a_partner_admin_claims_only_verified_domains(
    client: FlaskClient, login, provider: LoopbackProvider, acme_admin, domains, words
) -> None:
    login(acme_admin)
    response = client.post("/team/sso", data=_form(provider.issuer, domains=domains))
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)


def test_the_organisations_website_verifies_a_domain(
    client: FlaskClient, login, provider: LoopbackProvider, make_org
) -> None:
    org = make_org(website="https://www.acme-group.example")
    admin = new_user(Role.PARTNER_ADMIN, org, email="it@acme.example")
    login(admin)
    response = client.post("/team/sso", data=_form(provider.issuer, domains="acme-group.example"))
    assert response.status_code == 302


def test_a_domain_belongs_to_one_organisation(
    app: Flask, provider: LoopbackProvider, acme, staff_member
) -> None:
    configure(app, acme, staff_member, provider.issuer)
    rival = new_org(name="Rival")
    with pytest.raises(SettingsRefused, match="already used for single sign-on"):
        configure(app, rival, staff_member, provider.issuer)
    db.session.rollback()
    # People of another organisation already have addresses there.
    new_user(Role.PARTNER_USER, rival, email="bo@globex.example")
    with pytest.raises(SettingsRefused, match=r"people of another organisation \(Rival\)"):
        configure(app, acme, staff_member, provider.issuer, domains="globex.example")


def test_staff_set_up_an_organisation_and_admins_the_team(
    client: FlaskClient, login, provider: LoopbackProvider, acme, staff_member, admin_user
) -> None:
    login(staff_member)
    response = client.post(f"/staff/orgs/{acme.id}/sso", data=_form(provider.issuer))
    assert response.status_code == 302
    assert provider_for(acme.id).domains[0].verified_by == "staff"  # type: ignore[union-attr]
    login(admin_user)
    response = client.post("/admin/sso", data=_form(provider.issuer, domains="vendor.example"))
    assert response.status_code == 302
    assert provider_for(None) is not None


def test_turning_on_needs_a_reachable_provider(
    client: FlaskClient, login, provider: LoopbackProvider, acme_admin
) -> None:
    login(acme_admin)
    response = client.post("/team/sso", data=_form(provider.issuer + "/nowhere"))
    assert response.status_code == 422
    assert "cannot be turned on" in response.get_data(as_text=True)
    # Off, it can be saved and finished later.
    data = _form(provider.issuer + "/nowhere")
    del data["enabled"]
    assert client.post("/team/sso", data=data).status_code == 302


def test_passwords_go_off_only_with_sso_on(
    client: FlaskClient, login, provider: LoopbackProvider, acme_admin
) -> None:
    login(acme_admin)
    data = _form(provider.issuer, password_login_disabled="y")
    del data["enabled"]
    response = client.post("/team/sso", data=data)
    assert response.status_code == 422
    assert "only while single sign-on is on" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://login.example.com", "must use https"),
        ("https://127.0.0.1/realm", "private or local address"),
        ("https://10.1.2.3", "private or local address"),
        ("https://[::1]:8443", "private or local address"),
        ("https://169.254.169.254/latest", "private or local address"),
        ("https://user:pw@login.example.com", "not an https URL"),
        ("ftp://login.example.com", "not an https URL"),
    ],
)
def test_the_server_never_asks_private_addresses(url: str, words: str) -> None:
    with pytest.raises(ProviderUnreachable, match=words):
        require_allowed(url, allowed_hosts=[])


def test_an_allowed_host_may_be_asked(provider: LoopbackProvider) -> None:
    require_allowed(provider.issuer, allowed_hosts=["127.0.0.1"])


def test_a_private_issuer_is_refused_on_the_page(
    client: FlaskClient, login, acme_admin, app: Flask
) -> None:
    login(acme_admin)
    response = client.post("/team/sso", data=_form("https://192.168.1.10/realm"))
    assert response.status_code == 422
    assert "private or local address" in response.get_data(as_text=True)
