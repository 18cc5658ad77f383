"""Compliance documents in a real browser, CSRF on, axe-core on every page of the way.

A reseller's partner admin opens the compliance page from the agreement page and uploads the
insurance certificate; staff open it from the organisation page, approve it with its expiry
date; the organisation page then shows it current until that day.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from portal.accounts.models import Role
from portal.db_types import utcnow
from tests.browser.test_comarketing_journey import _sign_in
from tests.browser.test_journey import assert_accessible
from tests.conftest import new_org, new_user

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_upload_approve_and_the_organisation_page_shows_it_current(
    browser: Any, live_app: Flask, live_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        org = new_org(name="Harbor Systems", partner_type="reseller", status="active")
        admin = new_user(Role.PARTNER_ADMIN, org, email="lena@harbor.example", name="Lena")
        staff = new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")
        org_id, admin_email, staff_email = org.id, admin.email, staff.email
    (tmp_path / "certificate.pdf").write_bytes(PDF)
    expires = utcnow().date() + timedelta(days=300)

    partner_context = browser.new_context(base_url=live_url)
    staff_context = browser.new_context(base_url=live_url)
    try:
        p = partner_context.new_page()
        _sign_in(p, admin_email)
        p.goto("/agreement")
        p.get_by_role("link", name="Your compliance documents").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("Compliance documents")
        expect(p.locator("#documents-heading + ul")).to_contain_text("Missing")
        assert_accessible(p, "compliance documents (missing)")
        p.get_by_label("Document", exact=True).select_option(label="Insurance certificate")
        p.get_by_label("File (PDF, PNG or JPEG)").set_input_files(str(tmp_path / "certificate.pdf"))
        p.get_by_role("button", name="Upload for review").click()
        expect(p.locator(".flashes")).to_contain_text("The partner team will review it")
        expect(p.locator("#documents-heading + ul")).to_contain_text("Waiting for review")

        s = staff_context.new_page()
        _sign_in(s, staff_email)
        s.goto(f"/staff/orgs/{org_id}")
        section = s.locator("section", has=s.locator("#compliance-documents-heading"))
        expect(section).to_contain_text("Waiting for review")
        section.get_by_role("link", name="Review version 1").click()
        expect(s.get_by_role("heading", level=1)).to_contain_text("Insurance certificate")
        assert_accessible(s, "staff review")
        s.get_by_label("Expires on").fill(expires.isoformat())
        s.get_by_role("button", name="Approve").click()
        expect(s.locator(".flashes")).to_contain_text("Approved")
        section = s.locator("section", has=s.locator("#compliance-documents-heading"))
        expect(section).to_contain_text(f"Current until {expires:%-d %b %Y}")
        expect(section).to_contain_text("Tax form")
        assert_accessible(s, "organisation page with documents")

        p.reload()
        expect(p.locator("#documents-heading + ul")).to_contain_text(
            f"Current until {expires:%-d %b %Y}"
        )
    finally:
        partner_context.close()
        staff_context.close()
