"""Program pages rendered from content/pages."""

from __future__ import annotations

from tests.conftest import sign_in


def test_program_index_lists_pages_and_tiers(client, partner_user) -> None:
    sign_in(client, partner_user)
    page = client.get("/program").get_data(as_text=True)
    assert "Program guide" in page and "Rules of engagement" in page
    assert page.index("Program guide") < page.index("Rules of engagement")  # by `order`
    assert "Silver" in page and "Co-marketing funds" in page
    # The requirements are the criteria's labels, the any_of group's as one line.
    assert "Two referrals a year" in page
    assert "Five won deals a year, or USD 100,000 won in a year" in page


def test_program_page_renders_markdown(client, partner_user) -> None:
    sign_in(client, partner_user)
    response = client.get("/program/rules")
    assert response.status_code == 200
    assert "First come, first served." in response.get_data(as_text=True)
    assert 'href="/program/guide"' in response.get_data(as_text=True)


def test_unknown_program_page_is_not_found(client, partner_user) -> None:
    sign_in(client, partner_user)
    assert client.get("/program/no-such-page").status_code == 404
