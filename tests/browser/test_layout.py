"""Every page of every role, on a phone (390 px) and a laptop (1280 px), in a real browser.

The pages come from the role matrix (tests/test_access.py ACCESS): each GET route a role may
open, with the matrix's world plus the demo referrals and history so lists are full. On every
page the document must not scroll sideways and no control may overlap another; on the phone
every control outside a sentence must be at least 24 by 24 px (WCAG 2.5.8).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.demo_history import load_demo_history
from portal.extensions import db
from portal.referrals.demo import load_demo_referrals
from tests.conftest import PASSWORD
from tests.test_access import ACCESS, World, _build_world

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8
PROBE = (Path(__file__).parent / "layout_probe.js").read_text()
# A partner of another organisation sees the same pages as partner_admin.
SWEPT_ROLES = ("anonymous", "partner_user", "partner_admin", "staff", "admin")


@pytest.fixture(scope="module")
def world(live_app: Flask) -> World:
    """The access matrix's world, and the demo's referrals and history around it."""
    with live_app.app_context():
        built = _build_world()
        users = [
            db.session.get(User, built.users[role])
            for role in ("staff", "admin", "partner_admin", "partner_user", "other_partner")
        ]
        load_demo_referrals(users, current_content().program)
        load_demo_history(current_content(), users[:2])
        db.session.commit()
    return built


def pages_for(role: str, world: World) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route the role may open, from the role matrix."""
    return [
        (endpoint, route.url.format(**vars(world)))
        for endpoint, route in sorted(ACCESS.items())
        if route.method == "GET" and route.expected[role] == 200
    ]


@pytest.fixture(scope="module")
def signed_in_contexts(browser: Any, live_url: str) -> Iterator[dict[str, Any]]:
    contexts: dict[str, Any] = {}
    yield contexts
    for context in contexts.values():
        context.close()


def _context_for(role: str, world: World, browser: Any, live_url: str) -> Any:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_url, viewport=PHONE)
    if role != "anonymous":
        with context.new_page() as page:
            page.goto("/login")
            user_id = world.users[role]
            page.get_by_label("E-mail").fill(_email(user_id))
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            # Signed in: the login page has sent the user home.
            expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    return context


def _email(user_id: int) -> str:
    from flask import current_app

    with current_app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.email


def _is_page(context: Any, url: str) -> bool:
    """An HTML page with the portal's layout (not a CSV, a download or an htmx fragment)."""
    response = context.request.get(url)
    kind = response.headers.get("content-type", "")
    attachment = "attachment" in response.headers.get("content-disposition", "")
    return kind.startswith("text/html") and not attachment and 'id="main"' in response.text()


def measure(page: Any, url: str, viewport: dict[str, int]) -> dict[str, Any]:
    from playwright.sync_api import expect

    page.set_viewport_size(viewport)
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    return page.evaluate(PROBE)


def measure_resized(page: Any, viewport: dict[str, int]) -> dict[str, Any]:
    """The page already open, laid out again at another width (a resize, not a second load)."""
    page.set_viewport_size(viewport)
    return page.evaluate(PROBE)


def layout_problems(result: dict[str, Any], phone: bool) -> list[str]:
    problems = []
    if result["scrollWidth"] > result["clientWidth"]:
        problems.append(
            f"scrolls sideways: {result['scrollWidth']} px wide in {result['clientWidth']} px"
        )
    problems.extend(result["overlaps"])
    if phone:
        problems.extend(
            f"{t['name']} is {t['w']:.0f} by {t['h']:.0f} px"
            for t in result["targets"]
            if min(t["w"], t["h"]) < MIN_TARGET - 0.5
        )
    return problems


def _print_figures(role: str, endpoint: str, result: dict[str, Any]) -> None:
    """The phone figures of a page (shown with `pytest -s`): header, width, smallest target."""
    smallest = min((min(t["w"], t["h"]) for t in result["targets"]), default=0)
    print(
        f"FIGURES {role} {endpoint} header={result['headerHeight']:.0f} "
        f"width={result['scrollWidth']} smallest_target={smallest:.0f}"
    )


@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_every_page_fits_phone_and_laptop(
    role: str, world: World, browser: Any, live_app: Flask, live_url: str
) -> None:
    with live_app.app_context():
        context = _context_for(role, world, browser, live_url)
    try:
        page = context.new_page()
        pages = [(e, u) for e, u in pages_for(role, world) if _is_page(context, u)]
        assert len(pages) >= 3, f"{role}: too few pages to sweep: {pages}"
        problems: list[str] = []
        for endpoint, url in pages:
            phone = measure(page, url, PHONE)
            _print_figures(role, endpoint, phone)
            laptop = measure_resized(page, LAPTOP)
            for viewport, result in ((PHONE, phone), (LAPTOP, laptop)):
                for problem in layout_problems(result, phone=viewport is PHONE):
                    problems.append(f"{viewport['width']} px {endpoint} {url}: {problem}")
        assert not problems, f"{role}: {len(problems)} layout problems:\n" + "\n".join(problems)
    finally:
        context.close()


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box


@pytest.mark.parametrize("role", ["partner_admin", "admin"])
def test_header_menu_works_without_javascript(
    role: str, world: World, browser: Any, live_app: Flask, live_url: str
) -> None:
    """Phone: a short header whose Menu opens without JavaScript; wider: the links in a row
    under the brand and search, never the search box under the links; the current page marked."""
    from playwright.sync_api import expect

    with live_app.app_context():
        signed_in = _context_for(role, world, browser, live_url)
        state = signed_in.storage_state()
        signed_in.close()
    context = browser.new_context(
        base_url=live_url, viewport=PHONE, java_script_enabled=False, storage_state=state
    )
    try:
        page = context.new_page()
        current = "/referrals" if role == "partner_admin" else "/admin/audit"
        page.goto(current)
        header = page.locator("body > header")
        links = page.get_by_role("navigation", name="Main").get_by_role("link")
        expect(page.locator(".nav-menu > summary")).to_be_visible()
        expect(links.first).to_be_hidden()
        assert _box(header)["height"] <= 0.12 * PHONE["height"]
        page.locator(".nav-menu > summary").click()
        expect(links.first).to_be_visible()
        current_link = page.locator('.nav-links a[aria-current="page"]')
        expect(current_link).to_have_count(1)
        expect(current_link).to_have_attribute("href", current)
        for width in (1024, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.reload()
            expect(page.locator(".nav-menu > summary")).to_be_hidden()
            expect(links.first).to_be_visible()
            first_link = _box(links.first)
            assert first_link["y"] < 120, f"{width} px: the links sit too low: {first_link}"
            search = page.locator(".site-search")
            if search.count():
                # The search box sits in the row above the links, never wrapped under them.
                assert _box(search)["y"] + _box(search)["height"] <= first_link["y"] + 1
    finally:
        context.close()


def test_styleguide_and_open_menu_are_axe_clean(
    world: World, browser: Any, live_app: Flask, live_url: str
) -> None:
    """axe-core finds nothing on the design system page, on a phone with the menu open and on
    a laptop."""
    from playwright.sync_api import expect

    from tests.browser.test_journey import assert_accessible

    with live_app.app_context():
        context = _context_for("staff", world, browser, live_url)
    try:
        page = context.new_page()
        page.goto("/styleguide")
        page.locator(".nav-menu > summary").click()
        expect(page.get_by_role("link", name="Inbox")).to_be_visible()
        assert_accessible(page, "the styleguide with the phone menu open")
        page.set_viewport_size(LAPTOP)
        assert_accessible(page, "the styleguide on a laptop")
    finally:
        context.close()
