"""The printable certificate and the public verification page in a real browser: the vendor's
brand applied, axe-clean, one landscape page in print, the badge drawn, the link copied."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import Organization, Role
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.conftest import PASSWORD, new_certification, new_org, new_user

FIXTURE_PRIMARY = "#1d4f91"  # tests/fixtures/content/brand/brand.yml
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def holder(live_app: Flask) -> dict[str, Any]:
    """A partner with a valid and a revoked certificate (ids and codes)."""
    with live_app.app_context():
        org = new_org("Harbor Analytics")
        user = new_user(Role.PARTNER_USER, org, email="rio@harbor.example", name="Rio Tanaka")
        valid = new_certification(user)
        revoked = new_certification(user, revoked=True)
        return {"valid": (valid.id, valid.code), "revoked": (revoked.id, revoked.code)}


def _sign_in(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill("rio@harbor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) of every page of a PDF Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(width), float(height)) for width, height in boxes]


def test_the_certificate_prints_on_one_landscape_page(page: Any, holder: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    cert_id, _code = holder["valid"]
    _sign_in(page)
    page.goto(f"/certificates/{cert_id}")
    certificate = page.locator("article.certificate")
    expect(certificate.get_by_role("heading", level=1)).to_have_text("Certified Basics Partner")
    expect(certificate.locator(".certificate-vendor")).to_have_text("Testwind")
    expect(
        certificate.get_by_role("img", name=re.compile("QR code of the verification link"))
    ).to_be_visible()
    logo = certificate.locator("img.certificate-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo did not load"
    # /brand.css overrides app.css: the brand's colour draws the certificate's border.
    border = certificate.evaluate("el => getComputedStyle(el).borderTopColor")
    assert border == "rgb(29, 79, 145)", border
    assert_accessible(page, "the certificate")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    # The stylesheet asks for landscape and leaves the paper to the printer: Letter by default,
    # and A4 where that is the printer's paper.
    letter = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert letter == [(792.0, 612.0)], f"not one landscape Letter page: {letter}"
    a4 = _pdf_pages(page.pdf(format="A4", landscape=True, print_background=True))
    assert len(a4) == 1 and a4[0][0] > a4[0][1], f"not one landscape A4 page: {a4}"


def test_a_valid_certificate_is_verified_and_shared(page: Any, holder: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    _cert_id, code = holder["valid"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/verify/{code}")
    expect(page.locator("#verify-status")).to_have_text("Valid")
    badge = page.locator("img.share-badge")
    expect(badge).to_be_visible()
    assert badge.evaluate("img => img.complete && img.naturalWidth === 600"), "no badge drawn"
    assert_accessible(page, "the verification page of a valid certificate")

    page.get_by_role("button", name="Copy link").first.click()
    expect(page.locator("#copy-status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/verify/{code}")
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_have_attribute(
        "href", re.compile(r"^https://www\.linkedin\.com/profile/add\?")
    )


def test_a_revoked_certificate_says_so_and_offers_no_badge(
    page: Any, holder: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    _cert_id, code = holder["revoked"]
    page.goto(f"/verify/{code}")
    expect(page.locator("#verify-status")).to_have_text("Revoked: not valid")
    expect(page.get_by_role("heading", name="Share this certificate")).to_have_count(0)
    expect(page.locator("img.share-badge")).to_have_count(0)
    assert_accessible(page, "the verification page of a revoked certificate")


@pytest.mark.parametrize("which", ["valid", "revoked"])
def test_verification_fits_a_phone(page: Any, holder: dict[str, Any], which: str) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    page.goto(f"/verify/{holder[which][1]}")
    expect(page.locator("#verify-status")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the page scrolls sideways: {overflow} px wide"


def test_the_certificate_fits_a_phone(page: Any, holder: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    _sign_in(page)
    page.goto(f"/certificates/{holder['valid'][0]}")
    expect(page.locator("article.certificate")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the page scrolls sideways: {overflow} px wide"


def test_expired_badge_is_not_valid_looking(
    live_app: Flask, page: Any, holder: dict[str, Any]
) -> None:
    """The badge image itself, opened by its address, says an expired certificate is not valid."""
    from playwright.sync_api import expect

    with live_app.app_context():
        org = db.session.query(Organization).filter_by(name="Harbor Analytics").one()
        user = new_user(Role.PARTNER_USER, org, email="old@harbor.example", name="Old Hand")
        code = new_certification(user, age=timedelta(days=400)).code
    page.goto(f"/verify/{code}/badge.svg")
    expect(page.locator("text").first).to_have_text("EXPIRED: NOT A VALID CERTIFICATE")
    assert FIXTURE_PRIMARY not in page.content()


def test_long_names_stay_inside_the_badge(
    live_app: Flask, page: Any, holder: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        org = db.session.query(Organization).filter_by(name="Harbor Analytics").one()
        user = new_user(
            Role.PARTNER_USER, org, email="long@harbor.example", name="Maximiliana " * 8
        )
        cert = new_certification(user)
        cert.certificate_name = "Certified Enterprise Co-Selling Solutions Architect Professional"
        db.session.commit()
        code = cert.code
    page.goto(f"/verify/{code}/badge.svg")
    expect(page.locator("text").first).to_have_text(re.compile("VERIFIED"))
    right_edges = page.evaluate(
        "[...document.querySelectorAll('text')].map(t => { const b = t.getBBox();"
        " return b.x + b.width; })"
    )
    assert max(right_edges) <= 596, right_edges
