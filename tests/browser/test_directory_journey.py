"""The public partner directory in a real browser, on a phone, with axe-core on every page.

A visitor finds a partner by filter, opens the profile and sends the contact form; the
partner admin reads the message. The partner admin then edits the profile, staff approve the
diff, and the public page shows the change. Any dialog, script error or CSP violation fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import OrgStatus, Role
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.browser.test_referral_journey import _watch
from tests.conftest import PASSWORD, new_org, new_user
from tests.directory.conftest import publish

PHONE = {"width": 390, "height": 844}
ADMIN = "nadia@northwind.example"
STAFF = "sam@vendor.example"


@pytest.fixture(scope="module")
def directory(live_app: Flask) -> Iterator[None]:
    """Two listed partners, Northwind's admin and a staff member; no minimum fill time."""
    with live_app.app_context():
        north = new_org(name="Northwind Analytics", status=OrgStatus.ACTIVE, tier="silver")
        admin = new_user(Role.PARTNER_ADMIN, north, email=ADMIN, name="Nadia Admin")
        new_user(Role.STAFF, None, email=STAFF, name="Sam Staff")
        publish(north.id, admin, countries=["de"], industries=["manufacturing"])
        paris = new_org(name="Paris Care", status=OrgStatus.ACTIVE)
        paris_admin = new_user(Role.PARTNER_ADMIN, paris, email="p@paris.example")
        publish(paris.id, paris_admin, countries=["fr"], industries=["healthcare"])
        db.session.commit()
    live_app.config["DIRECTORY_CONTACT_MIN_SECONDS"] = 0
    yield
    live_app.config["DIRECTORY_CONTACT_MIN_SECONDS"] = 3


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.browser
def test_visitor_contacts_a_partner_found_by_filter(
    page: Any, browser: Any, live_url: str, directory: None
) -> None:
    from playwright.sync_api import expect

    window = _watch(page)
    page.set_viewport_size(PHONE)
    page.goto("/partners")
    results = page.locator("#directory-results")
    expect(results).to_contain_text("Paris Care")
    page.get_by_label("Country").select_option("de")
    page.get_by_role("button", name="Search").click()
    expect(results).not_to_contain_text("Paris Care")
    expect(results.get_by_role("link", name="Northwind Analytics")).to_be_visible()
    assert_accessible(page, "/partners filtered")
    results.get_by_role("link", name="Northwind Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Analytics")
    assert_accessible(page, "a profile")

    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Company", exact=True).fill("Buyer Ltd")
    page.get_by_label("Work e-mail").fill("vera@buyer.example")
    page.locator("#country").select_option("de")
    page.get_by_label("Message").fill("We would like a pilot in Munich.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("on its way to Northwind Analytics")

    partner = browser.new_context(base_url=live_url).new_page()
    _sign_in(partner, ADMIN)
    partner.goto("/directory/contacts")
    expect(partner.get_by_role("cell", name="Vera Visitor")).to_be_visible()
    expect(partner.get_by_role("cell", name="Buyer Ltd")).to_be_visible()
    assert_accessible(partner, "contact messages")
    partner.locator("table a").first.click()
    expect(partner.locator(".prewrap")).to_have_text("We would like a pilot in Munich.")
    partner.context.close()
    assert window.problems == [] and window.dialogs == []


@pytest.mark.browser
def test_a_profile_change_goes_live_after_staff_approve_the_diff(
    page: Any, browser: Any, live_url: str, directory: None
) -> None:
    from playwright.sync_api import expect

    window = _watch(page)
    _sign_in(page, ADMIN)
    page.set_viewport_size(PHONE)  # signed in: the menu folds away on a phone
    page.goto("/directory/profile")
    assert_accessible(page, "the profile editor")
    page.get_by_label("France").first.check()
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator(".flash-success")).to_contain_text("reviews your profile")
    expect(page.get_by_text("Waiting for approval")).to_be_visible()

    reviewer = browser.new_context(base_url=live_url).new_page()
    _sign_in(reviewer, STAFF)
    reviewer.set_viewport_size(PHONE)
    reviewer.goto("/staff/directory")
    reviewer.get_by_role("link", name="Northwind Analytics").click()
    row = reviewer.get_by_role("row", name="Countries served")
    expect(row).to_contain_text("Germany, France")
    assert_accessible(reviewer, "the change's diff")
    reviewer.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.locator(".flash-success")).to_contain_text("profile is live")
    reviewer.context.close()

    visitor = browser.new_context(base_url=live_url).new_page()
    visitor.goto("/partners/northwind-analytics")
    expect(visitor.locator("dl.details")).to_contain_text("Germany, France")
    visitor.context.close()
    assert window.problems == [] and window.dialogs == []
