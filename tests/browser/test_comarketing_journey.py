"""Co-marketing approvals in a real browser, CSRF on, axe-core on every page of the way.

A partner submits a PDF piece; staff find it in the queue and request changes; the partner
sends a new version; staff approve it; the partner sees the approval reference on the piece
and in its list. Every step waits for what the person sees.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask

from portal.accounts.models import Role
from tests.browser.test_journey import assert_accessible
from tests.conftest import PASSWORD, new_org, new_user

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TITLE = "Autumn partner webinar e-mail"


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_submit_changes_new_version_approve(
    browser: Any, live_app: Flask, live_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        org = new_org(name="Northwind Partners")
        partner = new_user(Role.PARTNER_USER, org, email="nina@northwind.example", name="Nina")
        staff = new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")
        partner_email, staff_email = partner.email, staff.email
    (tmp_path / "invite.pdf").write_bytes(PDF)
    (tmp_path / "invite-v2.png").write_bytes(PNG)

    partner_context = browser.new_context(base_url=live_url)
    staff_context = browser.new_context(base_url=live_url)
    try:
        p = partner_context.new_page()
        _sign_in(p, partner_email)
        p.get_by_role("link", name="Approvals").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("Co-marketing approvals")
        assert_accessible(p, "partner list (empty)")
        p.get_by_role("link", name="Submit a piece").click()
        p.get_by_label("Title").fill(TITLE)
        p.get_by_label("Channel").select_option(label="E-mail")
        p.get_by_label("Planned date").fill("2027-10-01")
        p.get_by_label("File (PDF, PNG, JPEG, HTML or DOCX)").set_input_files(
            str(tmp_path / "invite.pdf")
        )
        assert_accessible(p, "submit form")
        p.get_by_role("button", name="Submit for approval").click()
        expect(p.get_by_role("heading", level=1)).to_contain_text(TITLE)
        expect(p.locator(".details")).to_contain_text("Awaiting review")

        s = staff_context.new_page()
        _sign_in(s, staff_email)
        s.get_by_role("link", name="Approvals").click()
        expect(s.get_by_role("link", name=TITLE)).to_be_visible()
        expect(s.locator("#piece-results")).to_contain_text("due in")
        assert_accessible(s, "staff queue")
        s.get_by_role("link", name=TITLE).click()
        assert_accessible(s, "staff review")
        s.get_by_role("radio", name="Request changes").check()
        s.get_by_label(re.compile("Comment to the partner")).fill("Add the unsubscribe line.")
        s.get_by_role("button", name="Record decision").click()
        expect(s.locator(".flashes")).to_contain_text("Changes requested")

        p.reload()
        expect(p.locator(".timeline")).to_contain_text("Add the unsubscribe line.")
        assert_accessible(p, "piece with changes requested")
        p.get_by_label("File (PDF, PNG, JPEG, HTML or DOCX)").set_input_files(
            str(tmp_path / "invite-v2.png")
        )
        p.get_by_label("What changed (optional)").fill("Unsubscribe line added.")
        p.get_by_role("button", name="Send new version").click()
        expect(p.locator(".details")).to_contain_text("Awaiting review")
        expect(p.get_by_role("link", name="invite-v2.png")).to_be_visible()
        expect(p.get_by_role("link", name="invite.pdf")).to_be_visible()

        s.reload()
        s.get_by_role("radio", name="Approve", exact=True).check()
        s.get_by_role("button", name="Record decision").click()
        reference = s.locator(".approval-reference")
        expect(reference).to_have_text(re.compile(r"CM-\d{4}-\w{4}-\w{4}"))
        quoted = reference.inner_text()

        p.reload()
        expect(p.locator(".approval-reference")).to_have_text(quoted)
        assert_accessible(p, "approved piece")
        p.get_by_role("link", name="← Co-marketing approvals").click()
        expect(p.locator("#piece-list")).to_contain_text(quoted)
    finally:
        partner_context.close()
        staff_context.close()
