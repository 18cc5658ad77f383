"""Single sign-on in a real browser, CSRF on: the login page asks for the e-mail, sends a
configured domain to the test OpenID provider on 127.0.0.1, the person approves there and
comes back signed in (created just in time); another address gets the password form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Role
from portal.extensions import db
from portal.sso.api import ProviderInput, save_provider
from portal.sso.provider_http import forget_cache
from tests.browser.test_journey import assert_accessible
from tests.conftest import new_org, new_user
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider, running_provider


@pytest.fixture(scope="module")
def idp(live_app: Flask, live_url: str) -> Iterator[LoopbackProvider]:
    """The provider on loopback, and Acme's single sign-on pointing at it (JIT on)."""
    with running_provider() as provider:
        live_app.config["SSO_ALLOWED_HOSTS"] = ["127.0.0.1"]
        forget_cache()
        with live_app.app_context():
            org = new_org(name="Acme Browser Partners", status="active")
            staff = new_user(Role.STAFF, None, email="sso-staff@vendor.example")
            save_provider(
                staff,
                org,
                ProviderInput(
                    issuer=provider.issuer,
                    client_id=CLIENT_ID,
                    client_secret=CLIENT_SECRET,
                    domains="acme-browser.example",
                    enabled=True,
                    jit_provisioning=True,
                    password_login_disabled=False,
                ),
                secret_key=live_app.config["SECRET_KEY"],
                allowed_hosts=["127.0.0.1"],
            )
            db.session.commit()
        provider.person.email = "sam@acme-browser.example"
        yield provider
        live_app.config["SSO_ALLOWED_HOSTS"] = []


@pytest.mark.browser
def test_a_partner_signs_in_through_their_company_provider(
    page: Any, live_app: Flask, idp: LoopbackProvider
) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    assert_accessible(page, "the login page's e-mail step")
    page.get_by_label("E-mail").fill("sam@acme-browser.example")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_role("button", name="Approve sign-in").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Sam Single").first).to_be_visible()


@pytest.mark.browser
def test_another_address_gets_the_password_form(
    page: Any, live_app: Flask, idp: LoopbackProvider
) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill("someone@elsewhere.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value("someone@elsewhere.example")
    assert_accessible(page, "the login page's password step")
