"""MDF in a real browser, CSRF on, axe-core on every page: a partner admin requests funds, staff
approve part of them, the partner claims with an invoice, a photo and an attendee list, staff
approve the claim and mark it paid; the partner sees it paid on the earnings page.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.models import MdfRequest
from tests.browser.test_journey import assert_accessible
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
ATTENDEES = b"name,email\nAda,ada@example.com\nBo,bo@example.com\nCy,cy@example.com\n"


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _sign_out(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_request_partly_approved_claimed_with_proof_and_paid(
    page: Any, live_app: Flask, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        org = Organization(
            name="Northgate IT", partner_type="reseller", tier="silver", status=OrgStatus.ACTIVE
        )
        db.session.add(org)
        for email, role, name in (
            ("nia@northgate.example", Role.PARTNER_ADMIN, "Nia Admin"),
            ("mdf-staff@vendor.example", Role.STAFF, "Sam Staff"),
        ):
            user = User(email=email, name=name, role=role, organization=None)
            if role == Role.PARTNER_ADMIN:
                user.organization = org
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    activity_day = utcnow().date() - timedelta(days=3)
    files = {}
    for name, data in (("invoice.pdf", PDF), ("stand.png", PNG), ("attendees.csv", ATTENDEES)):
        files[name] = tmp_path / name
        files[name].write_bytes(data)

    # The partner admin asks for USD 4,000 for a breakfast that took place three days ago.
    _sign_in(page, "nia@northgate.example")
    page.get_by_role("link", name="Funds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Market development funds")
    expect(page.locator(".stat").first).to_contain_text("USD 5,000.00")
    assert_accessible(page, "partner MDF page")
    page.get_by_role("link", name="Request funds").first.click()
    assert_accessible(page, "MDF request form")
    page.get_by_label("Activity type").select_option("event")
    page.get_by_label("Activity name").fill("Customer breakfast")
    page.get_by_label("Activity date").fill(activity_day.isoformat())
    page.get_by_label("What will you do?").fill("A breakfast briefing for twenty IT leaders.")
    page.get_by_label("Funds requested").fill("4000")
    page.get_by_label("Expected attendees").fill("20")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flashes")).to_contain_text("sent")
    expect(page.locator("dl.details")).to_contain_text("Waiting for approval")
    reference = page.get_by_role("heading", level=1).inner_text().split(":")[0]
    _sign_out(page)

    # Staff approve USD 3,000 of it: the rest goes back to the partner's funds.
    _sign_in(page, "mdf-staff@vendor.example")
    page.get_by_role("link", name="MDF").click()
    assert_accessible(page, "staff MDF queue")
    page.get_by_role("link", name=reference).click()
    assert_accessible(page, "staff MDF request")
    page.get_by_label("Amount approved").fill("3000")
    page.get_by_label("Note to the partner (optional)").fill("The venue only, please.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("approved: USD 3,000.00")
    _sign_out(page)

    # The partner claims with proof: the invoice, a photo and the attendee list.
    _sign_in(page, "nia@northgate.example")
    page.goto("/earnings")
    expect(page.locator("#mdf-heading")).to_be_visible()
    expect(page.locator(".stat").first).to_contain_text("USD 2,000.00")
    assert_accessible(page, "earnings with MDF")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("dl.details").first).to_contain_text("The venue only, please.")
    page.get_by_label("Actual cost of the activity (from the invoice)").fill("5000")
    page.get_by_label("Invoice (PDF, PNG or JPEG)").set_input_files(files["invoice.pdf"])
    page.get_by_label("Photos (PNG or JPEG, optional)").set_input_files(files["stand.png"])
    page.get_by_label("Attendee list (CSV, optional)").set_input_files(files["attendees.csv"])
    assert_accessible(page, "MDF claim form")
    page.get_by_role("button", name="Send claim").click()
    expect(page.locator(".flashes")).to_contain_text("Claim sent")
    expect(page.get_by_role("link", name="invoice.pdf")).to_be_visible()
    _sign_out(page)

    # Staff see three attendees read from the list, approve the claim, then pay it.
    _sign_in(page, "mdf-staff@vendor.example")
    page.goto("/staff/mdf")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("article.card dl.details")).to_contain_text("3")
    page.get_by_role("button", name="Approve the claim").click()
    expect(page.locator(".flashes")).to_contain_text("USD 2,500.00")
    page.get_by_label("Payout reference").fill("PAY-2026-77")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator(".flashes")).to_contain_text("marked paid")
    expect(page.locator("dl.details").first).to_contain_text("PAY-2026-77")
    page.get_by_role("link", name="← Market development funds").click()
    page.get_by_role("link", name="Budget used per tier and quarter").click()
    expect(page.locator("table")).to_contain_text("USD 2,500.00")  # paid for Silver
    assert_accessible(page, "staff MDF budget")
    _sign_out(page)

    _sign_in(page, "nia@northgate.example")
    page.goto("/mdf")
    expect(page.locator("table")).to_contain_text("Paid")
    expect(page.locator("table")).to_contain_text("USD 2,500.00")
    with live_app.app_context():
        paid = db.session.scalar(sa.select(MdfRequest).where(MdfRequest.status == "paid"))
        assert paid is not None and paid.payable_minor == 250_000
