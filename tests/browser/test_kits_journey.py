"""Kits, search and playbooks in a real browser on the demo data, CSRF and the CSP on.

Runs on the demo data (the real `content/` and `portal.demo.load_demo`): this module reuses
test_referral_journey.py's `live_app`, which overrides tests/browser/conftest.py's.

The journey: Tom, a consultant at Brightline Consulting (a referral partner), signs in and
types "revenue teams" in the header search box. The results appear as he types, each with its
kind and the matched words marked; Enter opens the search page, and he opens the one-pager kit
from it. He downloads the PDF (the very bytes in content/), opens the first e-mail of the
introduction sequence, made out to his firm and to him, and copies it to the clipboard. Both
are recorded as engagement events, and the onboarding checklist's optional "Download a
co-marketing kit" step, still to do when he started, is now done. The reseller-only kit never
shows: not in the library, not in search, and its URLs answer 404. axe-core checks the kit
library, a kit page, a template page, a battle card with its comparison table and the search
results. Any dialog, script error or CSP violation fails the test.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Organization, User
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.kits.service import KIT_DOWNLOAD, TEMPLATE_COPY
from tests.browser import test_referral_journey as referral_journey
from tests.browser.test_journey import assert_accessible
from tests.conftest import DEMO_CONTENT

# The demo data's `live_app` (real content/, `load_demo`), the page watcher and the sign-in.
live_app = referral_journey.live_app
_watch = referral_journey._watch
_sign_in = referral_journey._sign_in

# portal/demo.py: Brightline Consulting is a referral partner; Tom is one of its users.
ORG_NAME = "Brightline Consulting"
EMAIL = "tom@brightline.example"
USER_NAME = "Tom Becker"
USER_TITLE = "Consultant"
# content/onboarding/referral.md: the optional kit step.
KIT_STEP = "download-referral-kit"
# content/kits/revenue-teams-one-pager: the kit the search finds, and its PDF.
KIT_ID = "revenue-teams-one-pager"
KIT_TITLE = "Keelstone for revenue teams (one-pager and banner)"
PDF_NAME = "keelstone-for-revenue-teams.pdf"
PDF_PATH = DEMO_CONTENT / "kits" / KIT_ID / "files" / PDF_NAME
# content/kits/introduction-email-sequence/templates/1-introduction.md
EMAIL_KIT_ID = "introduction-email-sequence"
EMAIL_KIT_TITLE = "Introduction e-mail sequence"
TEMPLATE_ID = "1-introduction"
TEMPLATE_TITLE = "1. Introduction: a problem worth a conversation"
# content/kits/reseller-proposal-kit: resellers of silver tier and up only.
RESELLER_KIT_ID = "reseller-proposal-kit"
RESELLER_KIT_TITLE = "Reseller proposal kit"

SEARCH_TERMS = "revenue teams"


def _events(app: Flask, kind: str) -> list[tuple[str, str]]:
    """(subject, organisation name) of the journey user's activity events of this kind."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        assert user is not None
        rows = db.session.execute(
            sa.select(ActivityEvent.subject, Organization.name)
            .join(Organization, Organization.id == ActivityEvent.organization_id)
            .where(ActivityEvent.user_id == user.id, ActivityEvent.kind == kind)
            .order_by(ActivityEvent.id)
        ).all()
        return [(subject, org) for subject, org in rows]


@pytest.mark.browser
def test_search_open_kit_download_copy_and_onboarding(
    page: Any, live_app: Flask, live_url: str
) -> None:
    from playwright.sync_api import expect

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    window = _watch(page)
    _sign_in(page, EMAIL)

    # Before the journey the optional kit step is still to do.
    page.goto("/onboarding")
    step = page.locator(f"#step-{KIT_STEP}")
    expect(step).to_have_class(re.compile(r"\bstep-todo\b"))
    expect(step.locator(".step-state")).to_contain_text("To do")

    # The header search box: results as you type, the kind of each shown, matches marked.
    box = page.get_by_label("Search the portal")
    box.press_sequentially(SEARCH_TERMS)
    live = page.locator("#search-results-live")
    kit_hit = live.locator(".search-hit", has=page.get_by_role("link", name=KIT_TITLE))
    expect(kit_hit).to_be_visible()
    expect(kit_hit.locator(".search-kind")).to_contain_text("Kit")
    expect(kit_hit.locator(".search-kind")).to_contain_text("One-pager")
    expect(kit_hit.locator(".search-hit-title mark").first).to_be_visible()
    marked = {m.casefold() for m in kit_hit.locator("mark").all_inner_texts()}
    assert {"revenue", "teams"} <= marked, marked
    expect(page.locator("#search-status")).to_contain_text(f"for “{SEARCH_TERMS}”")
    assert RESELLER_KIT_TITLE not in live.inner_text()

    # Enter: the same results on the search page, where the kit is opened.
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=revenue(\+|%20)teams$"))
    results = page.locator("main #search-results-live")
    expect(results.locator(".search-count")).to_contain_text(f"for “{SEARCH_TERMS}”")
    page_hit = results.locator(".search-hit", has=page.get_by_role("link", name=KIT_TITLE))
    expect(page_hit.locator(".search-kind")).to_contain_text("Kit")
    expect(page_hit.locator("h2 mark").first).to_be_visible()
    expect(page.get_by_label("Search the portal")).to_have_value(SEARCH_TERMS)
    page_hit.get_by_role("link", name=KIT_TITLE).click()
    page.wait_for_url(f"**/kits/{KIT_ID}")
    expect(page.get_by_role("heading", level=1)).to_have_text(KIT_TITLE)
    assert_accessible(page, "a kit page")

    # Download the PDF: exactly the file in content/, recorded before it was sent.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"one-page overview \(PDF\)")).click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == PDF_NAME
    body = PDF_PATH.read_bytes()
    with open(download.path(), "rb") as fh:
        got = fh.read()
    assert got.startswith(b"%PDF")
    assert len(got) == PDF_PATH.stat().st_size
    assert got == body
    assert _events(live_app, KIT_DOWNLOAD) == [(f"{KIT_ID}/{PDF_NAME}", ORG_NAME)]

    # Each file shows its preview; "Download all" is one zip of both, two more downloads.
    previews = page.locator("#kit-files ~ .table-wrap img.kit-preview")
    expect(previews).to_have_count(2)
    for preview in previews.all():
        expect(preview).to_have_js_property("complete", True)
        assert preview.evaluate("img => img.naturalWidth") > 0
    with page.expect_download() as zip_info:
        page.get_by_role("link", name=re.compile(r"^Download all")).click()
    bundle = zip_info.value
    assert bundle.suggested_filename == f"{KIT_ID}.zip"
    with zipfile.ZipFile(bundle.path()) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{KIT_ID}/{path.name}" for path in PDF_PATH.parent.iterdir()
        )
        assert archive.read(f"{KIT_ID}/{PDF_NAME}") == body
    assert len(_events(live_app, KIT_DOWNLOAD)) == 3

    # The kit library lists the e-mail kit (and never the reseller-only one).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Kits").click()
    page.wait_for_url("**/kits")
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-marketing kits")
    expect(page.get_by_role("link", name=KIT_TITLE)).to_be_visible()
    assert RESELLER_KIT_TITLE not in page.content()
    assert_accessible(page, "the kit library")

    # A co-branded e-mail made out to Brightline and to Tom; the Copy button copies it.
    page.get_by_role("link", name=EMAIL_KIT_TITLE, exact=True).click()
    page.wait_for_url(f"**/kits/{EMAIL_KIT_ID}")
    page.get_by_role("link", name=TEMPLATE_TITLE).click()
    page.wait_for_url(f"**/kits/{EMAIL_KIT_ID}/templates/{TEMPLATE_ID}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TEMPLATE_TITLE)
    expect(page.locator("main")).to_contain_text(f"Made for {ORG_NAME}")
    text = page.locator("#template-text").input_value()
    assert ORG_NAME in text and USER_NAME in text, text
    assert f"{USER_TITLE}, {ORG_NAME}" in text
    assert "{{" not in text and "}}" not in text, "every placeholder is filled in"
    assert_accessible(page, "a co-branded template page")
    copy = page.get_by_role("button", name="Copy to clipboard")
    expect(copy).to_be_visible()
    with page.expect_response(
        lambda r: r.url.endswith(f"/templates/{TEMPLATE_ID}/copied")
    ) as copied:
        copy.click()
    assert copied.value.status == 204
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert ORG_NAME in clipboard and USER_NAME in clipboard, clipboard
    assert clipboard.strip() == text.strip()
    assert _events(live_app, TEMPLATE_COPY) == [(f"{EMAIL_KIT_ID}/{TEMPLATE_ID}", ORG_NAME)]

    # The download ticked the optional onboarding step.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    page.wait_for_url("**/onboarding")
    step = page.locator(f"#step-{KIT_STEP}")
    expect(step).to_have_class(re.compile(r"\bstep-done\b"))
    expect(step.locator(".step-state .badge").first).to_have_text("Done")
    expect(step.locator(".step-status")).to_contain_text(
        "Your team has downloaded a co-marketing kit."
    )

    # A battle card with its comparison table, and the search results page.
    page.goto("/playbooks/battle-cards/vs-spreadsheets")
    comparison = page.get_by_role("table", name="Keelstone compared with a spreadsheet forecast")
    expect(comparison).to_be_visible()
    expect(comparison.get_by_role("columnheader", name="Spreadsheet forecast")).to_be_visible()
    expect(comparison.get_by_role("rowheader", name="Data freshness")).to_be_visible()
    assert_accessible(page, "a battle card")
    page.goto("/search?q=forecast")
    expect(page.locator("main .search-hit").first).to_be_visible()
    expect(page.locator("main .search-hit mark").first).to_be_visible()
    assert_accessible(page, "the search results")

    # A referral partner never sees the reseller-only kit: not in search, its URLs 404.
    page.goto("/search?q=reseller+proposal")
    assert RESELLER_KIT_TITLE not in page.content()
    assert f"/kits/{RESELLER_KIT_ID}" not in page.content()
    response = page.goto(f"/kits/{RESELLER_KIT_ID}")
    assert response is not None and response.status == 404
    template_url = f"/kits/{RESELLER_KIT_ID}/templates/cover-letter"
    assert page.request.get(template_url, max_redirects=0).status == 404
    assert page.request.get(f"{template_url}/download", max_redirects=0).status == 404
    assert _events(live_app, TEMPLATE_COPY) == [(f"{EMAIL_KIT_ID}/{TEMPLATE_ID}", ORG_NAME)]

    assert window.dialogs == [] and window.problems == []
