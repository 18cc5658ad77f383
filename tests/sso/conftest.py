"""Single sign-on tests run against the test provider (tests/sso/provider.py) on 127.0.0.1."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Organization, Role, User
from portal.extensions import db
from portal.sso.api import ProviderInput, SsoProvider, save_provider
from portal.sso.provider_http import forget_cache
from tests.conftest import new_org, new_user
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider, running_provider


@pytest.fixture(scope="module")
def idp() -> Iterator[LoopbackProvider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(
    idp: LoopbackProvider, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> LoopbackProvider:
    """The test provider, reset, and the app allowed to reach it on loopback."""
    idp.reset()
    forget_cache()
    monkeypatch.setitem(app.config, "SSO_ALLOWED_HOSTS", ["127.0.0.1"])
    return idp


def settings(issuer: str, domains: str = "acme.example", **switches: bool) -> ProviderInput:
    return ProviderInput(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=domains,
        enabled=switches.get("enabled", True),
        jit_provisioning=switches.get("jit_provisioning", False),
        password_login_disabled=switches.get("password_login_disabled", False),
    )


@pytest.fixture
def acme(app: Flask) -> Organization:
    return new_org(name="Acme Referrals", status="active")


@pytest.fixture
def staff_member(app: Flask) -> User:
    return new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")


def configure(
    app: Flask, org: Organization | None, actor: User, issuer: str, **kwargs: object
) -> SsoProvider:
    """Save a provider as `actor` (committed), as the settings page would."""
    sso = save_provider(
        actor,
        org,
        settings(issuer, **kwargs),  # type: ignore[arg-type]
        secret_key=app.config["SECRET_KEY"],
        allowed_hosts=["127.0.0.1"],
    )
    db.session.commit()
    return sso


def continue_url(response) -> str:
    """Where the login page's "continue to your company's sign-in" page moves on to."""
    assert response.status_code == 200, response.get_data(as_text=True)
    found = re.search(
        r'http-equiv="refresh" content="0; url=([^"]+)"', response.get_data(as_text=True)
    )
    assert found is not None
    start = html.unescape(found.group(1))
    assert start.startswith("/sso/start/")
    return start


def start_sign_in(client: FlaskClient, email: str) -> str:
    """The login page's first step up to the provider's authorize URL."""
    start = continue_url(client.post("/login/email", data={"email": email}))
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def approve(authorize_url: str, email: str | None = None) -> str:
    """Submit the provider's authorize page; the portal callback path it redirects to."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    params = dict(parse_qsl(urlsplit(authorize_url).query))
    if email is not None:
        params["email"] = email
    issuer = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    answer = requests.post(issuer + "/authorize", data=params, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sso_sign_in(client: FlaskClient, email: str, provider_email: str | None = None):
    """The whole flow; the portal's answer to the provider's redirect."""
    callback = approve(start_sign_in(client, email), provider_email)
    return client.get(callback)
