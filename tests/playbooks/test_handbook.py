"""Staff-only content (`audience: staff`): the partner team reads it in its handbook; partners
never reach it, by URL, by search or by a link (the fixture content has a staff-only page,
qbr-guide, and a staff-only talk track, qualify-partner)."""

from __future__ import annotations

import pytest

STAFF_URLS = (
    "/staff/handbook",
    "/staff/handbook/pages/qbr-guide",
    "/staff/handbook/talk-tracks/qualify-partner",
)
# The same documents at the addresses partners use for pages and playbooks.
PARTNER_ADDRESSES = ("/program/qbr-guide", "/playbooks/talk-tracks/qualify-partner")


@pytest.mark.parametrize("who", ["partner_user", "partner_admin", "other_partner"])
def test_partners_never_reach_staff_only_content(request, login, who):
    client = login(request.getfixturevalue(who))
    for url in STAFF_URLS:
        assert client.get(url).status_code == 403, url
    for url in PARTNER_ADDRESSES:
        assert client.get(url).status_code == 404, url
    for query in ("QBR", "sesquipedalian", "Qualifying a new partner"):
        page = client.get(f"/search?q={query}").get_data(as_text=True)
        assert "qbr-guide" not in page and "qualify-partner" not in page, query
        assert "/staff/handbook" not in page and "Running a partner QBR" not in page, query
    page = client.get("/search?q=sesquipedalian").get_data(as_text=True)
    assert "No results for “sesquipedalian”." in page
    listing = client.get("/program").get_data(as_text=True)
    assert "Running a partner QBR" not in listing and "qbr-guide" not in listing
    library = client.get("/playbooks").get_data(as_text=True)
    assert "Qualifying a new partner" not in library and "qualify-partner" not in library
    nav = client.get("/").get_data(as_text=True)
    assert "/staff/handbook" not in nav


def test_staff_read_the_handbook_from_their_navigation(login, staff_user):
    client = login(staff_user)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/staff/handbook">Handbook</a>' in home
    handbook = client.get("/staff/handbook").get_data(as_text=True)
    assert 'href="/staff/handbook/pages/qbr-guide">Running a partner QBR</a>' in handbook
    assert 'href="/staff/handbook/talk-tracks/qualify-partner">Qualifying a new partner' in handbook
    assert "The discovery call" not in handbook  # partner playbooks stay in the partner library
    page = client.get("/staff/handbook/pages/qbr-guide")
    assert page.status_code == 200 and "Bring the partner" in page.get_data(as_text=True)
    item = client.get("/staff/handbook/talk-tracks/qualify-partner")
    assert item.status_code == 200 and "sesquipedalian" in item.get_data(as_text=True)
    # A partner document is not in the handbook.
    assert client.get("/staff/handbook/pages/rules").status_code == 404
    assert client.get("/staff/handbook/talk-tracks/discovery-call").status_code == 404


def test_staff_find_the_handbook_in_search(login, staff_user):
    client = login(staff_user)
    page = client.get("/search?q=sesquipedalian").get_data(as_text=True)
    assert 'href="/staff/handbook/talk-tracks/qualify-partner"' in page
    page = client.get("/search?q=QBR").get_data(as_text=True)
    assert 'href="/staff/handbook/pages/qbr-guide"' in page
    # Partner material is still not offered to staff (its pages answer them 403).
    assert "/program/rules" not in client.get("/search?q=engagement").get_data(as_text=True)
