"""The search page: results, highlighting, htmx partials, audience, escaping and odd input."""

from __future__ import annotations

import dataclasses
import re

import pytest
from flask import Flask

from portal.content.library import EVERYONE, Audience, Kit, Playbook
from portal.content.search import build_search_index
from portal.content_runtime import EXTENSION_KEY, current_content
from portal.extensions import db
from tests.xss_corpus import find_injections

HOSTILE = "<script>alert(1)</script>"
RESELLER_SILVER = Audience(partner_types=("reseller",), min_tier_rank=1, min_tier="silver")
# Loading the signed-in user and their organisation; search itself needs no statement.
STATEMENT_BUDGET = 3


def make_kit(kit_id: str, title: str, audience: Audience = EVERYONE, **fields) -> Kit:
    values = {
        "id": kit_id,
        "title": title,
        "kind": "one-pager",
        "audience": audience,
        "summary": f"Summary of {title}.",
        "body": "Body text.",
        "files": (),
        "templates": (),
        "source": f"kits/{kit_id}/kit.md",
        "tags": (),
    }
    return Kit(**{**values, **fields})


def make_playbook(key: str, title: str, audience: Audience = EVERYONE, **fields) -> Playbook:
    kind, playbook_id = key.split("/")
    values = {
        "id": playbook_id,
        "kind": kind,
        "title": title,
        "summary": f"Summary of {title}.",
        "audience": audience,
        "tags": (),
        "related": (),
        "body": "Body text.",
        "source": f"playbooks/{key}.md",
    }
    return Playbook(**{**values, **fields})


KITS = [
    make_kit("margin-sheet", "Reseller margin sheet", RESELLER_SILVER, tags=("pricing",)),
    make_kit("webinar", "Pricing webinar in a box", kind="webinar"),
    make_kit("hostile", f"Hostile {HOSTILE} zanzibar", summary=f"Zanzibar {HOSTILE} summary"),
]
PLAYBOOKS = [
    make_playbook("use-cases/reseller-pricing", "Reseller pricing story", RESELLER_SILVER),
    make_playbook("objections/too-expensive", "Pricing is too high"),
]


@pytest.fixture
def search_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The fixture content with exactly these kits and playbooks, and its search index."""
    index = dataclasses.replace(
        current_content(), kits={k.id: k for k in KITS}, playbooks={p.key: p for p in PLAYBOOKS}
    )
    index = dataclasses.replace(index, search=build_search_index(index))
    monkeypatch.setattr(app.extensions[EXTENSION_KEY], "_index", index)
    return app


@pytest.fixture
def as_referral(search_app, login, partner_user):
    return login(partner_user)


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def result_urls(page: str) -> list[str]:
    return re.findall(r'class="search-hit-title"><a href="([^"]+)"', page)


def test_results_show_kind_title_link_highlighted_snippet_and_count(as_referral):
    page = page_of(as_referral.get("/search?q=pricing"))
    assert "<h1>Search</h1>" in page
    assert result_urls(page) == ["/kits/webinar", "/playbooks/objections/too-expensive"]
    assert "2 results for “pricing”." in page
    assert '<span class="badge">Kit</span> <span class="muted">Webinar</span>' in page
    assert '<span class="badge">Objection</span>' in page
    assert '<a href="/kits/webinar"><mark>Pricing</mark> webinar in a box</a>' in page
    assert "Summary of <mark>Pricing</mark> webinar in a box." in page
    assert 'value="pricing"' in page  # the header box keeps the query


def test_modules_and_pages_are_found_too(as_referral):
    page = page_of(as_referral.get("/search?q=qualif"))
    assert "/learn/basics/qualifying" in result_urls(page)
    assert '<span class="badge">Learning module</span>' in page


def test_an_empty_query_gets_a_prompt(as_referral):
    for url in ("/search", "/search?q=", "/search?q=+++"):
        page = page_of(as_referral.get(url))
        assert "Type a word or two" in page and "search-hit" not in page


def test_no_results_get_a_helpful_message(as_referral):
    page = page_of(as_referral.get("/search?q=qwertyuiop"))
    assert "No results for “qwertyuiop”." in page
    assert "Check the spelling" in page and 'href="/kits"' in page


def test_a_long_query_is_cut_to_200_characters(as_referral):
    page = page_of(as_referral.get("/search?q=" + "pricing " * 100))
    assert "only its first 200 characters were used" in page
    assert result_urls(page)


def test_a_referral_partner_never_gets_reseller_only_items(as_referral):
    page = page_of(as_referral.get("/search?q=reseller+pricing+margin"))
    assert "/kits/margin-sheet" not in page and "/playbooks/use-cases/reseller-pricing" not in page
    assert "Reseller margin sheet" not in page and "Reseller pricing story" not in page


def test_a_silver_reseller_gets_them(search_app, login, make_org, make_user):
    org = make_org(partner_type="reseller", tier="silver")
    page = page_of(login(make_user(org=org)).get("/search?q=reseller+pricing"))
    assert "/kits/margin-sheet" in result_urls(page)
    assert "/playbooks/use-cases/reseller-pricing" in result_urls(page)


def test_a_registered_reseller_does_not(search_app, login, make_org, make_user):
    org = make_org(partner_type="reseller", tier="registered")
    page = page_of(login(make_user(org=org)).get("/search?q=reseller"))
    assert "/kits/margin-sheet" not in page


def test_staff_find_no_partner_pages_they_could_not_open(search_app, login, staff_user):
    """Everything search finds is served to partners only: staff would get links to 403s."""
    response = login(staff_user).get("/search?q=pricing")
    assert response.status_code == 200
    page = page_of(response)
    assert result_urls(page) == []
    assert 'href="/kits' not in page and 'href="/playbooks' not in page
    assert 'id="site-search-q"' not in page  # no header search box for staff


def test_the_query_and_content_are_escaped(as_referral):
    page = page_of(as_referral.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E+zanzibar"))
    assert find_injections(page) == []
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<mark>zanzibar</mark>" in page


def test_htmx_gets_only_the_results_block_and_the_live_count(as_referral):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/search?q=pri"}
    page = page_of(as_referral.get("/search?q=pricing", headers=headers))
    assert "<html" not in page and "<h1>" not in page
    assert '<p id="search-status" data-hx-swap-oob="innerHTML">2 results for “pricing”.</p>' in page
    assert result_urls(page) == ["/kits/webinar", "/playbooks/objections/too-expensive"]
    assert "Open the search page" not in page


def test_htmx_from_another_page_fills_the_header_panel(as_referral):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/onboarding"}
    page = page_of(as_referral.get("/search?q=pricing", headers=headers))
    assert "<h2" not in page  # no headings inside the header panel
    assert 'href="/search?q=pricing">Open the search page</a>' in page
    cleared = page_of(as_referral.get("/search?q=", headers=headers))
    assert "search-hit" not in cleared and "Type a word" not in cleared


def test_the_full_page_has_the_live_regions_and_a_labelled_search_box(as_referral):
    page = page_of(as_referral.get("/search?q=pricing"))
    assert page.count('id="search-results-live"') == 1  # in the page, not also in the header
    assert '<p id="search-status" class="visually-hidden" role="status" aria-live="polite">' in page
    assert '<form class="site-search" role="search"' in page
    assert '<label class="visually-hidden" for="site-search-q">' in page
    assert 'hx-target="#search-results-live"' in page and 'hx-push-url="true"' in page


def test_other_pages_carry_the_header_box_and_its_panel(as_referral):
    page = page_of(as_referral.get("/onboarding"))
    assert 'id="site-search-q"' in page
    assert '<div id="search-results-live" class="search-panel"></div>' in page
    assert 'hx-push-url="true"' not in page.split('id="site-search-q"')[1].split(">")[0]


def test_signed_out_pages_have_no_search_box(client, app):
    assert 'id="site-search-q"' not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "%00",
        "a%00b",
        "x" * 8_000,  # a longer query string is refused (414): tests/test_request_bodies.py
        "%21%21%21",
        "%F0%9F%99%82",
        "%D7%A9%D7%9C%D7%95%D7%9D",
        "%E2%80%AE%E2%80%8B",
        "%FF%FE",
        "pricing&q=other",
        "%25%25",
        "e%CC%81%CC%81",
    ],
)
def test_odd_input_never_fails(as_referral, query):
    for headers in ({}, {"HX-Request": "true"}):
        response = as_referral.get(f"/search?q={query}", headers=headers)
        # NUL bytes are refused app-wide with 400; everything else is a results page.
        assert response.status_code == (400 if "%00" in query else 200)


def test_statements_per_search_request(as_referral, count_queries):
    for url in ("/search?q=pricing", "/search?q=", "/search?q=zzz"):
        for headers in ({}, {"HX-Request": "true"}):
            db.session.expunge_all()
            with count_queries() as counter:
                response = as_referral.get(url, headers=headers)
            assert response.status_code == 200
            assert counter.count <= STATEMENT_BUDGET, (url, counter.statements)
