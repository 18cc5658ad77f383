"""No dead ends, in a real browser with axe-core on every page: the inbox's counts lead to
their lists, a commission in its hold shows its date, the referral page opens a disclosure
for a secondary action, the audit log reads as sentences and filters by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import api as referrals
from tests.browser.test_journey import assert_accessible
from tests.conftest import new_org, new_referral, new_user
from tests.referrals.test_commission_lifecycle import won_commission

PASSWORD = "a long enough admin password"


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.browser
def test_inbox_commissions_referral_and_audit_lead_somewhere(
    page: Any, live_app: Flask, live_url: str
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        admin = User(email="dee@vendor.example", name="Dee Ends", role=Role.ADMIN)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        org = new_org(name="Deadend Partners <b>", status="active", activated_at=utcnow())
        partner = new_user(Role.PARTNER_USER, org, email="p@deadend.example")
        fresh = new_referral(partner)
        worked = new_referral(partner)
        referrals.accept(worked, admin, current_content().program)
        db.session.commit()
        held = won_commission(new_referral, partner, admin, now=utcnow())
        ripe = won_commission(new_referral, partner, admin, now=utcnow() - timedelta(days=61))
        fresh_ref, worked_ref = fresh.reference, worked.reference
        held_id, ripe_id = held.id, ripe.id
        approvable = f"{held.approvable_from:%d %b %Y}"

    _sign_in(page, "dee@vendor.example")

    page.goto("/inbox/")
    new_count = page.locator("a.stat-link", has_text="New")
    # Only `fresh`: accepting `worked` counted as the team having seen it.
    expect(new_count.locator(".stat-value")).to_have_text("1")
    assert_accessible(page, "the inbox with its counts")
    new_count.click()
    expect(page.locator("#inbox-results")).to_contain_text(fresh_ref)
    expect(page.locator("#inbox-results")).not_to_contain_text(worked_ref)
    expect(page.get_by_label("New (nobody on the team has opened it)")).to_be_checked()

    page.goto("/inbox/commissions")
    expect(page.locator(f"#commission-{held_id}")).to_contain_text(
        f"can be approved from {approvable}"
    )
    expect(page.locator(f"#commission-{held_id}").get_by_role("button")).to_have_count(0)
    assert_accessible(page, "the commissions with one in its hold")
    page.get_by_role("link", name="Show the ones ready to approve").click()
    expect(page.locator(f"#commission-{ripe_id}")).to_be_visible()
    page.locator(f"#commission-{ripe_id}").get_by_role("button", name="Approve").click()
    expect(page.locator(f"#commission-{ripe_id}")).to_contain_text("is approved")

    page.goto(f"/inbox/{worked_ref}")
    next_step = page.locator("section.next-action")
    expect(next_step.get_by_role("button", name="Move to Contacted")).to_be_visible()
    expect(page.get_by_label("Update for the partner")).to_be_hidden()
    page.locator("summary", has_text="Update the partner").click()
    expect(page.get_by_label("Update for the partner")).to_be_visible()
    assert_accessible(page, "the staff referral page with a disclosure open")

    page.goto("/admin/audit")
    expect(page.locator(".audit-sentence").first).to_contain_text(
        "Dee Ends approved the commission on"
    )
    assert_accessible(page, "the audit log")
    page.get_by_label("Who (name or e-mail)").fill("dee")
    page.get_by_label("Organisation name").fill("deadend")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(
        f"{live_url}/admin/audit?action=&actor=dee&organization=deadend&since=&until="
    )
    expect(
        page.locator(".audit-sentence", has_text=f"Dee Ends accepted {worked_ref}")
    ).to_be_visible()
    page.get_by_label("Who (name or e-mail)").fill("nobody-like-this")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    assert_accessible(page, "the audit log with nothing to show")
    assert page.dialogs == []
