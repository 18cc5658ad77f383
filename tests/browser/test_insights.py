"""/insights in a real browser: axe-core finds nothing, no CSP violation, no script needed.

A staff member opens the page on the hand-built program (tests/insights/dataset.py), changes
the period and filters with the form, opens a chart's data table, follows a figure to the list
behind it, follows a flag to the organisation list, and logs a meeting on an organisation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.insights import dataset

PASSWORD = "a long enough staff password"


@pytest.mark.browser
def test_insights_page_is_accessible_and_works_without_scripts(
    page: Any, live_app: Flask, live_url: str
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        world = dataset.build()
        staff = User(email="insights@vendor.example", name="Ines Sights", role=Role.STAFF)
        staff.set_password(PASSWORD)
        db.session.add(staff)
        db.session.commit()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/login")
    page.get_by_label("E-mail").fill("insights@vendor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program insights")
    expect(page.get_by_role("heading", name="8. Partners needing attention")).to_be_visible()
    expect(page.locator("#figure-invited .kpi-value")).to_contain_text("3")
    assert_accessible(page, "/insights")

    # The form changes the period and the filters; no script is involved.
    page.get_by_label("Period").select_option("365")
    page.get_by_label("Partner type").select_option("reseller")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_url}/insights?period=365&type=reseller&tier=&region=")
    expect(page.locator("#figure-invited .kpi-value")).to_contain_text("2")  # Bravo and Echo

    # A chart's data table opens under it and downloads as CSV.
    page.get_by_text("Data table for “Partner funnel: invited to first win”").click()
    expect(page.locator("table#funnel")).to_be_visible()
    expect(page.locator("table#funnel").get_by_role("link", name="CSV")).to_be_visible()
    assert_accessible(page, "/insights with a data table open")

    # A figure opens the list behind it.
    page.locator("#figure-submitted .kpi-value").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referrals submitted")
    expect(page.get_by_role("link", name="Bravo").first).to_be_visible()
    assert_accessible(page, "a drill-down list")

    # A flag opens the organisation list filtered to it, sorted by any column.
    page.goto("/insights")
    page.locator("#figure-attention-stalled .kpi-value").click()
    expect(page.get_by_role("link", name="Bravo", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Pipeline stalled at Bravo")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Last sign-in")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Last sign-in")
    assert_accessible(page, "the organisation list")

    # Bravo keeps gold in a grace period: the flag says until when and opens the organisation.
    page.goto("/insights?region=Europe")
    page.locator("#figure-attention-grace .kpi-value").click()
    grace = page.get_by_role("link", name=re.compile(r"^In grace period until .+ at Bravo$"))
    expect(grace).to_contain_text(dataset.ago(-26).strftime("%d %b %Y"))
    assert_accessible(page, "the organisation list filtered to a region and the grace flag")
    grace.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bravo")

    # The partner team moves Bravo to another region on its page.
    page.goto(f"/staff/orgs/{world.orgs['B']}")
    page.get_by_label("Region", exact=True).select_option("North America")
    page.get_by_role("button", name="Set region").click()
    expect(page.locator(".flashes")).to_contain_text("Bravo is now in North America.")

    # A meeting is logged on the organisation's page, with its CSRF token.
    page.goto(f"/staff/orgs/{world.orgs['B']}")
    page.get_by_label("Date").fill(dataset.NOW.date().isoformat())
    page.get_by_label("Kind").select_option("qbr")
    page.get_by_label("Note (optional)").fill("Quarterly review with Bravo")
    page.get_by_role("button", name="Log meeting").click()
    expect(page.locator(".flashes")).to_contain_text("Quarterly business review on")
    expect(page.locator("#meetings")).to_contain_text("Quarterly review with Bravo")
    assert_accessible(page, "an organisation page with meetings")
    assert problems == []
