"""The design system: every button is styled, the navigation marks the current page, the
styleguide shows each component, the staff home's figures are stats with links."""

from __future__ import annotations

import re
from pathlib import Path

from portal.accounts.models import OrgStatus
from portal.db_types import utcnow
from tests.conftest import sign_in

TEMPLATES = Path(__file__).parents[2] / "portal" / "templates"


def test_no_template_renders_a_browser_default_button() -> None:
    """Submit fields go through the `submit` macro: a bare `form.x()` call or an
    <input type=submit> would draw the browser's own button."""
    bare = []
    for template in TEMPLATES.rglob("*.html"):
        if template.parts[-2] == "email":
            continue
        text = template.read_text()
        for pattern in (r"\{\{\s*\w+\.submit\(\)\s*\}\}", r"<input[^>]*type=\"?(submit|button)"):
            bare += [
                f"{template.relative_to(TEMPLATES)}: {m.group(0)}"
                for m in re.finditer(pattern, text)
            ]
    assert bare == []


def test_login_button_is_a_styled_button_that_still_sends_its_field(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert (
        '<button type="submit" name="submit" value="Sign in" id="submit">Sign in</button>' in page
    )


def _current_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', page)


def test_navigation_marks_the_current_section_once(client, partner_admin) -> None:
    sign_in(client, partner_admin)
    assert _current_links(client.get("/referrals").get_data(as_text=True)) == ["/referrals"]
    assert _current_links(client.get("/referrals/new").get_data(as_text=True)) == ["/referrals"]
    assert _current_links(client.get("/team").get_data(as_text=True)) == ["/team"]
    assert _current_links(client.get("/").get_data(as_text=True)) == []


def test_navigation_prefers_the_longest_matching_link(client, staff_user) -> None:
    """/inbox/commissions is under /inbox/ but is its own menu entry."""
    sign_in(client, staff_user)
    page = client.get("/inbox/commissions").get_data(as_text=True)
    assert _current_links(page) == ["/inbox/commissions"]
    assert _current_links(client.get("/inbox/").get_data(as_text=True)) == ["/inbox/"]


def test_styleguide_shows_every_component(client, staff_user) -> None:
    sign_in(client, staff_user)
    page = client.get("/styleguide").get_data(as_text=True)
    for piece in (
        '<button type="button">Save referral</button>',
        'class="button-secondary"',
        'class="button-danger"',
        'class="link-button"',
        'class="stat"',
        'class="stat-change stat-change-up"',
        'class="table-wrap"',
        "badge badge-new",
        'class="empty-state"',
        "<progress",
        'class="tabs"',
        '<details class="disclosure">',
        'aria-invalid="true"',  # a field shown with its error
    ):
        assert piece in page, piece


def test_staff_home_shows_stats_that_link_to_their_list(client, staff_user, make_org) -> None:
    make_org(name="Fresh Co", status=OrgStatus.ACTIVE, activated_at=utcnow())
    make_org(name="Waiting Co", status=OrgStatus.INVITED)
    sign_in(client, staff_user)
    page = client.get("/").get_data(as_text=True)
    assert '<a class="stat-value" href="/staff/orgs?status=active">1</a>' in page
    assert '<a class="stat-value" href="/staff/orgs?status=invited">1</a>' in page
    assert "1 activated in the last 30 days" in page
