"""Tier standing in a real browser, CSRF on, axe-core on every page: staff record a QBR on the
organisation page, then approve the upgrade the daily evaluation put in the review queue."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Organization, Role, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.standing.evaluation import evaluate_all
from tests.browser.test_journey import assert_accessible
from tests.conftest import new_certification, new_org, new_user
from tests.standing.conftest import accept_referrals, agree

PASSWORD = "a long enough staff password"


@pytest.mark.browser
def test_staff_record_a_fact_and_approve_an_upgrade(
    page: Any, live_app: Flask, live_url: str
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        staff = User(email="tiers@vendor.example", name="Tess Tiers", role=Role.STAFF)
        staff.set_password(PASSWORD)
        db.session.add(staff)
        db.session.commit()
        org = new_org(name="Upward Partners", status="active", activated_at=utcnow())
        admin = new_user(Role.PARTNER_ADMIN, org, email="admin@upward.example")
        agree(org)
        new_certification(admin)
        accept_referrals(admin, 2)
        evaluate_all(current_content().program, utcnow())
        org_id = org.id

    page.goto("/login")
    page.get_by_label("E-mail").fill("tiers@vendor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"/staff/orgs/{org_id}")
    standing = page.locator("#tier-standing")
    expect(standing).to_contain_text("Qualifies for")
    expect(standing).to_contain_text("Move to Silver waits for a decision")
    assert_accessible(page, "the organisation page")
    standing.get_by_label("Fact").select_option("qbr-attended")
    standing.get_by_label("On").fill(utcnow().date().isoformat())
    standing.get_by_label("Note").fill("QBR with <both> sponsors")
    standing.get_by_role("button", name="Record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upward Partners: tier standing")
    expect(page.locator("#facts-heading + form + .table-wrap")).to_contain_text(
        "QBR with <both> sponsors"
    )
    assert_accessible(page, "the standing page")

    page.get_by_role("link", name="Tier reviews").click()
    review = page.locator("li.card", has_text="Upward Partners")
    expect(review).to_contain_text("up from Registered to Silver")
    assert_accessible(page, "the review queue")
    review.get_by_role("button", name="Approve the move").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why")
    review = page.locator("li.card", has_text="Upward Partners")
    review.get_by_label("Reason (kept on the organisation's history)").fill("Two good referrals")
    review.get_by_role("button", name="Approve the move").click()
    expect(page.locator(".flashes")).to_contain_text("was approved")
    expect(page.get_by_text("No tier changes are waiting.")).to_be_visible()
    with live_app.app_context():
        assert db.session.get(Organization, org_id).tier == "silver"
