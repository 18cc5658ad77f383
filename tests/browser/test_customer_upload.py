"""Uploading the customer list in a real browser: the page says it is working until it is done."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.referrals import api as referrals
from tests.browser.test_journey import assert_accessible

PASSWORD = "a long enough staff password"
REPORT_AFTER_SUBMIT = """() => document.addEventListener("submit", (event) => setTimeout(() => {
  const button = event.target.querySelector("button[type=submit]");
  const status = document.getElementById("upload-status");
  console.log(JSON.stringify(
    {button: button.textContent, disabled: button.disabled, status: status.textContent}));
}))"""


@pytest.mark.browser
def test_upload_shows_progress_then_the_result(
    page: Any, live_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        staff = User(email="lists@vendor.example", name="Lee Lists", role=Role.STAFF)
        staff.set_password(PASSWORD)
        db.session.add(staff)
        db.session.commit()
    csv_file = tmp_path / "customers.csv"
    rows = "".join(f"Company {n},company-{n}.co.uk\n" for n in range(2_000))
    csv_file.write_text("name,domain\n" + rows, encoding="utf-8")
    # The server (a thread of this process) holds the import until the busy page has been read.
    release = threading.Event()
    import_customers_csv = referrals.import_customers_csv

    def held_import(*args: Any, **kwargs: Any) -> referrals.ImportResult:
        release.wait(timeout=30)
        return import_customers_csv(*args, **kwargs)

    monkeypatch.setattr(referrals, "import_customers_csv", held_import)

    page.goto("/login")
    page.get_by_label("E-mail").fill("lists@vendor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/inbox/customers")
    assert_accessible(page, "customer list")
    page.get_by_label("CSV file", exact=True).set_input_files(csv_file)
    # While the browser waits for the answer Playwright cannot query the page, so the page
    # reports what it shows right after the submit, once app.js's handler has run.
    page.evaluate(REPORT_AFTER_SUBMIT)
    try:
        with page.expect_console_message(lambda message: message.text.startswith("{")) as shown:
            # Not waiting for the navigation the click starts: the server holds it.
            page.get_by_role("button", name="Upload customers").click(no_wait_after=True)
        busy = json.loads(shown.value.text)
    finally:
        release.set()
    assert busy == {
        "button": "Importing…",
        "disabled": True,
        "status": "Uploading and checking the file: a large list takes a few seconds.",
    }

    expect(page.get_by_text("Imported customers.csv: 2000 added")).to_be_visible()
    expect(page.get_by_role("button", name="Upload customers")).to_be_enabled()
    expect(page.get_by_role("cell", name="company-0.co.uk", exact=True)).to_be_visible()
