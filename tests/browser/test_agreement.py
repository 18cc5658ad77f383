"""The partner agreement in a real browser, CSRF on, axe-core on every page: a new version is
waiting; a partner user cannot accept it, the partner admin does, and the staff organisation
page shows it current."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.content.model_governance import AgreementTerms
from portal.content_runtime import EXTENSION_KEY, current_content
from portal.db_types import utcnow
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.conftest import new_org, new_user
from tests.tiers.conftest import agree

PASSWORD = "a long enough test password"


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def version_two_ahead(live_app: Flask) -> Any:
    """The fixture agreement becomes version 2, binding in three weeks (restored afterwards)."""
    store = live_app.extensions[EXTENSION_KEY]
    with live_app.app_context():
        index = current_content()
    terms = AgreementTerms("agreement", 2, utcnow().date() + timedelta(days=21))
    store._index = dataclasses.replace(
        index, program=dataclasses.replace(index.program, agreement=terms)
    )
    yield terms
    store._index = index


@pytest.mark.browser
def test_a_partner_admin_accepts_the_new_version_and_staff_see_it(
    page: Any, live_app: Flask, version_two_ahead: AgreementTerms
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        org = new_org(name="Signing Partners", status="active", activated_at=utcnow())
        admin = new_user(Role.PARTNER_ADMIN, org, email="admin@signing.example", name="Ana Diaz")
        user = new_user(Role.PARTNER_USER, org, email="user@signing.example")
        staff = User(email="legal@vendor.example", name="Lee Legal", role=Role.STAFF)
        db.session.add(staff)
        for person in (admin, user, staff):
            person.set_password(PASSWORD)
        db.session.commit()
        agree(org, version=1)
        org_id = org.id
    due = version_two_ahead.effective.strftime("%d %b %Y")

    _sign_in(page, "user@signing.example")
    page.goto("/agreement")
    expect(page.get_by_text("Only a partner admin of your organisation")).to_be_visible()
    expect(page.get_by_label("Your full name")).to_have_count(0)
    _sign_out(page)

    _sign_in(page, "admin@signing.example")
    page.goto("/agreement")
    expect(page.locator("section.card")).to_contain_text("accept it by then")
    expect(page.locator("section.card")).to_contain_text(due)
    assert_accessible(page, "the agreement page")
    page.get_by_role("button", name="Accept the agreement").click()
    expect(
        page.get_by_text("Confirm that you may accept it for your organisation.")
    ).to_be_visible()
    page.get_by_label("Your full name").fill("Ana Diaz")
    page.get_by_label("I am authorised to accept this agreement").check()
    page.get_by_role("button", name="Accept the agreement").click()
    expect(page.locator(".flashes")).to_contain_text("You accepted version 2")
    expect(page.locator("section.card")).to_contain_text("Version 2 accepted by Ana Diaz")
    _sign_out(page)

    _sign_in(page, "legal@vendor.example")
    page.goto(f"/staff/orgs/{org_id}")
    section = page.locator("section", has=page.locator("#agreement-heading"))
    expect(section.locator(".badge")).to_have_text("Current")
    expect(section).to_contain_text("Version 2: accepted by Ana Diaz")
    assert_accessible(page, "the organisation page with the agreement")
