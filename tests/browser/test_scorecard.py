"""The partner home and the scorecard in a real browser: axe-core clean, no sideways scrolling
on a 390 px phone, the scorecard printed without menus and downloaded as CSV."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.test_journey import assert_accessible
from tests.conftest import PASSWORD
from tests.scorecard import dataset

PHONE = {"width": 390, "height": 844}


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # On a phone "Sign out" waits in the closed menu; the signed-in home has its heading.
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")


def _no_sideways_scrolling(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_home_and_scorecard_read_well_on_a_phone_print_and_download(
    page: Any, live_app: Flask
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        data = dataset.build()
        email, org_id = data.acme_admin.email, data.acme.id

    page.set_viewport_size(PHONE)
    _sign_in(page, email)
    expect(page.get_by_role("heading", name="Open referrals")).to_be_visible()
    expect(page.locator(".tier-card")).to_contain_text("Your tier: Registered")
    expect(page.locator(".tier-card")).to_contain_text("requirements of Silver met")
    assert _no_sideways_scrolling(page), "the home scrolls sideways at 390 px"
    assert_accessible(page, "the partner home")

    page.locator(".nav-menu > summary").click()  # the phone's menu
    page.get_by_role("link", name="Scorecard").click()
    page.get_by_label("Quarter", exact=True).select_option("2026-Q2")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard: Acme Referrals, Q2 2026")
    expect(page.locator("#figure-submitted")).to_contain_text("Referrals submitted")
    assert _no_sideways_scrolling(page), "the scorecard scrolls sideways at 390 px"
    assert_accessible(page, "the scorecard")

    page.goto("/scorecard?quarter=next-year")
    expect(page.get_by_role("alert")).to_contain_text("is not a quarter")
    assert_accessible(page, "the scorecard with a refused quarter")

    page.goto("/scorecard?quarter=2026-Q2")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"scorecard-{org_id}-2026-Q2.csv"

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_label("Quarter", exact=True)).to_be_hidden()
    expect(page.get_by_role("heading", name="Win rate against the program average")).to_be_visible()
