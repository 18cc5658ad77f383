"""A lead end to end in a real browser: staff enter it, the rules route it, the partner
accepts it and moves it to won; another lapses and goes to the next partner."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads import jobs
from portal.leads.models import Lead, LeadIndustry
from tests.browser.test_journey import assert_accessible

PASSWORD = "a long enough lead password"


def _person(email: str, role: str, org: Organization | None = None) -> None:
    user = User(email=email, name=email.split("@")[0].title(), role=role, organization=org)
    user.set_password(PASSWORD)
    db.session.add(user)


def _partner(name: str, admin_email: str) -> Organization:
    org = Organization(name=name, partner_type="reseller", tier="registered",
                       status=OrgStatus.ACTIVE, region="Europe")  # fmt: skip
    db.session.add(org)
    db.session.flush()
    db.session.add(LeadIndustry(organization_id=org.id, industry="Healthcare"))
    _person(admin_email, Role.PARTNER_ADMIN, org)
    return org


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_a_routed_lead_is_accepted_and_won_and_a_lapsed_one_moves_on(
    page: Any, browser: Any, live_app: Flask
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        _person("router@vendor.example", Role.STAFF)
        first = _partner("Aurora Health Partners", "ava@aurora.example")
        _partner("Borealis Partners", "bo@borealis.example")
        db.session.commit()
        first_id = first.id

    _sign_in(page, "router@vendor.example")
    page.goto("/staff/leads/new")
    page.get_by_label("Company", exact=True).fill("Northwind Clinics")
    page.get_by_label("Contact name").fill("Nora Berg")
    page.get_by_label("Contact e-mail").fill("nora@northwind-clinics.com")
    page.get_by_label("Country", exact=True).select_option("DE")
    page.get_by_label("Industry").select_option("Healthcare")
    page.get_by_role("button", name="Save and route").click()
    expect(page.locator("#routing-reason")).to_contain_text("Matched region Europe")
    expect(page.locator("#lead-routing")).to_contain_text("Aurora Health Partners")
    assert_accessible(page, "staff lead")

    partner = browser.new_context(base_url=page.context.pages[0].url.split("/staff")[0])
    partner_page = partner.new_page()
    _sign_in(partner_page, "ava@aurora.example")
    partner_page.goto("/leads")
    partner_page.get_by_role("link", name="L-1").click()
    expect(partner_page.get_by_role("heading", level=1)).to_contain_text("Northwind Clinics")
    expect(partner_page.locator("main")).not_to_contain_text("nora@northwind-clinics.com")
    partner_page.get_by_role("button", name="Accept the lead").click()
    expect(partner_page.locator("main")).to_contain_text("nora@northwind-clinics.com")
    partner_page.get_by_label("Stage").select_option("won")
    partner_page.get_by_role("button", name="Update the stage").click()
    expect(partner_page.locator("main")).to_contain_text("Northwind Clinics is now at Won")
    assert_accessible(partner_page, "partner lead")

    # A second lead goes to the other partner (round-robin), is left unanswered and lapses.
    page.goto("/staff/leads/new")
    page.get_by_label("Company", exact=True).fill("Lumen Care")
    page.get_by_label("Contact name").fill("Lars Kuhn")
    page.get_by_label("Contact e-mail").fill("lars@lumen-care.com")
    page.get_by_label("Country", exact=True).select_option("FR")
    page.get_by_label("Industry").select_option("Healthcare")
    page.get_by_role("button", name="Save and route").click()
    expect(page.locator("#lead-routing")).to_contain_text("Borealis Partners")
    with live_app.app_context():
        assert jobs.lapse_overdue(utcnow() + timedelta(hours=49)) == 1
        lead = db.session.query(Lead).filter_by(company="Lumen Care").one()
        assert lead.partner_id == first_id
    page.reload()
    expect(page.locator("#lead-routing")).to_contain_text("lapsed")
    expect(page.locator("p", has_text="with Aurora Health Partners")).to_be_visible()
    partner_page.goto("/leads")
    expect(partner_page.locator("#lead-list")).to_contain_text("Lumen Care")
    partner.close()
