"""Webhooks in a real browser, CSRF on, axe-core on every page: an admin finds the page from
the admin area, registers an endpoint and copies its secret, sees a delivery, replays it and
rotates the secret."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.webhooks.recording import record_event
from tests.browser.test_journey import assert_accessible
from tests.conftest import PASSWORD


def test_admin_registers_an_endpoint_and_replays_a_delivery(page: Any, live_app: Flask) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        admin = User(email="hooks-admin@vendor.example", name="Ada Hooks", role=Role.ADMIN)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()

    page.goto("/login")
    page.get_by_label("E-mail").fill("hooks-admin@vendor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/admin/api-tokens")
    page.get_by_role("link", name="webhook endpoint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    assert_accessible(page, "webhook endpoints, empty")

    page.get_by_label("Endpoint URL").fill("ftp://crm.example.com/hooks")
    page.get_by_label("referral.submitted: a partner submitted a new referral").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.locator(".field-error")).to_contain_text("Use an https://")
    assert_accessible(page, "webhook form with an error")

    page.get_by_label("Endpoint URL").fill("https://crm.example.com/hooks/flywheel")
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.locator("#new-secret-value")).to_contain_text("whsec_")
    assert_accessible(page, "webhook endpoint added, secret shown")

    with live_app.app_context():
        record_event("referral.submitted", {"referral": {"reference": "R-000001"}})
        db.session.commit()
    page.get_by_role("link", name="Go to the endpoint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "https://crm.example.com/hooks/flywheel"
    )
    expect(page.get_by_role("table")).to_contain_text("referral.submitted")
    assert_accessible(page, "webhook endpoint page")

    page.get_by_role("button", name="Replay referral.submitted").click()
    expect(page.locator(".flashes")).to_contain_text("queued to be sent again")
    expect(page.get_by_role("row")).to_have_count(3)

    page.get_by_role("button", name="Rotate the secret").click()
    expect(page.locator("#new-secret-value")).to_contain_text("whsec_")
    assert_accessible(page, "webhook secret rotated")
