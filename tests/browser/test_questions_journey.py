"""Partner questions in a real browser on the demo data, CSRF and CSP on.

A Brightline partner opens the rules of engagement, chooses "Ask about this" and asks the
partner team; staff find it in the question queue, answer it and mark the answer worth an
FAQ; the partner reads the answer in the thread and sees the question listed on the page it
was about. axe-core checks every page on the way (the FAQ list too).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import create_app
from portal.content_runtime import current_content
from portal.demo import DEMO_PASSWORD, load_demo
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.conftest import DEMO_CONTENT

PARTNER_EMAIL = "priya@brightline.example"
STAFF_EMAIL = "staff@flywheel.example"
SUBJECT = "Does a second contact at the same company count as a new referral?"
ANSWER = "No: one company is one registration, whoever the contact is."


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on the demo data (real content/, `load_demo`) with CSRF and every protection on."""
    workdir: Path = tmp_path_factory.mktemp("browser-questions")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'portal.sqlite'}",
            "CONTENT_DIR": str(DEMO_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        assert load_demo(current_content())
    yield app
    with app.app_context():
        db.engine.dispose()


def _sign_in(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.browser
def test_partner_asks_staff_answers_partner_reads(page: Any, browser: Any, live_url: str) -> None:
    from playwright.sync_api import expect

    _sign_in(page, PARTNER_EMAIL)
    page.goto("/program/rules-of-engagement")
    page.get_by_role("link", name="Ask about this").click()
    expect(page.get_by_role("heading", name="Ask the partner team")).to_be_visible()
    expect(page.get_by_role("link", name="Program page: Rules of engagement")).to_be_visible()
    assert_accessible(page, "the ask form")
    page.get_by_label("Topic").select_option("referrals")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Your question").fill("We met a second person at Tallpine last week.")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.get_by_text("Your question is with the partner team.")).to_be_visible()
    assert_accessible(page, "the partner's thread")
    thread_url = page.url

    staff_context = browser.new_context(base_url=live_url)
    try:
        staff = staff_context.new_page()
        _sign_in(staff, STAFF_EMAIL)
        staff.get_by_role("navigation").get_by_role("link", name="Questions").click()
        expect(staff.get_by_role("heading", name="Partner questions")).to_be_visible()
        assert_accessible(staff, "the question queue")
        staff.get_by_role("link", name=SUBJECT).click()
        expect(staff.get_by_role("heading", name=SUBJECT)).to_be_visible()
        assert_accessible(staff, "the staff question page")
        staff.get_by_label("Answer to the partner").fill(ANSWER)
        staff.get_by_label("Worth an FAQ").check()
        staff.get_by_role("button", name="Send to the partner").click()
        expect(staff.get_by_text("Sent to the partner.")).to_be_visible()
        staff.get_by_role("link", name="← Partner questions").click()
        staff.get_by_role("link", name="FAQ candidates").click()
        expect(staff.locator("textarea").first).to_have_value(f"## {SUBJECT}\n\n{ANSWER}\n")
        assert_accessible(staff, "the FAQ candidates")
    finally:
        staff_context.close()

    page.goto(thread_url)
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.locator("dd", has_text="Answered").first).to_be_visible()
    page.goto("/program/rules-of-engagement")
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
