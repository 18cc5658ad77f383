"""Playbook pages with hand-built playbooks: the library, each kind's page, audience, escaping,
and statements per request."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from portal.content_runtime import EXTENSION_KEY, current_content
from portal.extensions import db
from tests.playbooks.factories import hostile_playbooks, sample_playbooks, with_playbooks
from tests.xss_corpus import find_injections

# A playbook's first view of the day: the signed-in user (with the organisation), then the view
# in a short write transaction of its own (the user again after the commit, the insert).
STATEMENT_BUDGET = 4
# Seen again the same day (the session remembers): the signed-in user only.
REPEAT_STATEMENT_BUDGET = 2


@pytest.fixture
def playbooks_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    store = app.extensions[EXTENSION_KEY]
    monkeypatch.setattr(store, "_index", with_playbooks(current_content(), sample_playbooks()))
    return app


@pytest.fixture
def as_referral(playbooks_app, login, partner_user):
    return login(partner_user)


@pytest.fixture
def as_reseller(playbooks_app, login, other_partner):
    return login(other_partner)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_library_lists_visible_items_by_kind(as_referral):
    page = text(as_referral.get("/playbooks"))
    headings = re.findall(r'<h2 id="kind-[^"]+">([^<]+)</h2>', page)
    assert headings == ["Talk tracks", "Battle cards", "Objection handling", "Use cases"]
    assert "The first call" in page and "Summary of saas-forecasting." in page
    assert 'href="/playbooks/talk-tracks/first-call"' in page
    assert 'href="/playbooks?tag=revops"' in page  # the item's tag, a link to the filter
    assert 'href="/playbooks/battle-cards"' in page  # the kind tab
    assert "Reseller margin story" not in page and "Executive briefing" not in page
    assert "margin" not in page  # not even the hidden item's tag


def test_the_kind_filter_by_path_and_by_query(as_referral):
    for url in ("/playbooks/battle-cards", "/playbooks?kind=battle-cards"):
        page = text(as_referral.get(url))
        assert "Keelstone vs spreadsheets" in page and "The first call" not in page
        assert re.search(r'href="/playbooks/battle-cards"[^>]*aria-current="page"', page)
    assert as_referral.get("/playbooks/webinars").status_code == 404


def test_the_tag_filter(as_referral):
    page = text(as_referral.get("/playbooks?tag=revops"))
    assert "The first call" in page and "Forecasting for a SaaS scale-up" in page
    assert "Keelstone vs spreadsheets" not in page
    assert "2 playbooks tagged “revops”" in page
    assert re.search(r'href="/playbooks\?tag=revops"[^>]*aria-current="page"', page)
    # Tabs keep the tag; inside a kind the tag links keep the kind.
    assert 'href="/playbooks/use-cases?tag=revops"' in page
    kind_page = text(as_referral.get("/playbooks/use-cases?tag=revops"))
    assert "Forecasting for a SaaS scale-up" in kind_page and "The first call" not in kind_page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/playbooks?kind=webinars", "There is no kind of playbook called “webinars”"),
        ("/playbooks?tag=nonsense", "No playbook is tagged “nonsense”"),
        ("/playbooks/objections?tag=margin", "No playbook is tagged “margin”"),
        ("/playbooks?tag=%3Cscript%3E", "No playbook is tagged “&lt;script&gt;”"),
    ],
)
def test_an_unknown_filter_gives_a_message_and_the_library(as_referral, url, message):
    page = text(as_referral.get(url))
    assert message in page
    assert "<script>" not in page.split("<main", 1)[1]
    assert "playbooks" in page


def test_htmx_gets_only_the_library_block(as_referral):
    response = as_referral.get("/playbooks?tag=revops", headers={"HX-Request": "true"})
    page = text(response)
    assert page.lstrip().startswith('<div id="playbook-library"')
    assert "<html" not in page and "The first call" in page
    assert "HX-Request" in response.headers["Vary"]


def test_a_battle_card_has_an_accessible_comparison_table(as_referral):
    page = text(as_referral.get("/playbooks/battle-cards/vs-spreadsheets"))
    assert "<caption>Keelstone compared with spreadsheets</caption>" in page
    assert re.findall(r'<th scope="col">([^<]+)</th>', page) == [
        "Capability",
        "Keelstone",
        "Spreadsheets",
    ]
    assert re.findall(r'<th scope="row">([^<]+)</th>', page) == ["Live pipeline", "Audit trail"]
    assert "<td>Manual</td>" in page
    assert 'href="/playbooks/battle-cards">Battle cards</a>' in page  # breadcrumb to the kind


def test_an_objection_shows_the_objection_and_short_answer_before_the_longer_one(as_referral):
    page = text(as_referral.get("/playbooks/objections/too-expensive"))
    objection = page.index("Your price is twice what we pay today.")
    short = page.index("Count the hours your team spends rebuilding the forecast.")
    longer = page.index("The longer answer: <strong>payback</strong>")
    assert objection < short < page.index("<h2>The longer answer</h2>") < longer
    assert '<blockquote class="objection-quote">' in page


def test_a_use_case_shows_its_facts_as_a_definition_list(as_referral):
    page = text(as_referral.get("/playbooks/use-cases/saas-forecasting"))
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert facts == {
        "Industry": "B2B software",
        "Problem": "Three forecasts and none trusted.",
        "Outcome": "One forecast the board reads.",
        "Metric": "Forecast error down from 30% to 8%",
    }


def test_a_talk_track_shows_body_tags_and_visible_related_items(as_referral):
    page = text(as_referral.get("/playbooks/talk-tracks/first-call"))
    assert "Open with <strong>their</strong> forecast." in page
    assert 'href="/playbooks?tag=discovery"' in page
    related = page.split('id="related-heading"', 1)[1]
    assert 'href="/playbooks/objections/too-expensive">It costs too much</a>' in related
    assert '<span class="badge badge-muted">Objection</span>' in related
    assert "Battle card" in related
    assert "reseller-margin" not in page and "Reseller margin story" not in page
    assert "gone-missing" not in page  # a related key with no playbook behind it


def test_a_referral_partner_cannot_fetch_a_reseller_only_item(as_referral):
    assert as_referral.get("/playbooks/use-cases/reseller-margin").status_code == 404
    assert as_referral.get("/playbooks/talk-tracks/gold-exec").status_code == 404
    assert as_referral.get("/playbooks/use-cases/no-such-case").status_code == 404
    assert as_referral.get("/playbooks/webinars/first-call").status_code == 404


def test_a_reseller_sees_the_reseller_item_listed_related_and_on_its_page(as_reseller):
    assert "Reseller margin story" in text(as_reseller.get("/playbooks"))
    related = text(as_reseller.get("/playbooks/talk-tracks/first-call"))
    assert 'href="/playbooks/use-cases/reseller-margin"' in related
    assert "Distribution" in text(as_reseller.get("/playbooks/use-cases/reseller-margin"))


def test_staff_may_not_use_the_partner_pages(playbooks_app, login, staff_user):
    client = login(staff_user)
    assert client.get("/playbooks").status_code == 403
    assert client.get("/playbooks/battle-cards/vs-spreadsheets").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/playbooks",
        "/playbooks?tag=x%3Cb%3Ey",
        "/playbooks/battle-cards/hostile",
        "/playbooks/objections/hostile",
        "/playbooks/use-cases/hostile",
    ],
)
def test_content_strings_are_escaped(app, login, partner_user, monkeypatch, url):
    store = app.extensions[EXTENSION_KEY]
    monkeypatch.setattr(store, "_index", with_playbooks(current_content(), hostile_playbooks()))
    page = text(login(partner_user).get(url))
    assert find_injections(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_statements_per_request(as_referral, count_queries):
    for url in (
        "/playbooks",
        "/playbooks?tag=revops",
        "/playbooks/use-cases",
        "/playbooks/talk-tracks/first-call",
        "/playbooks/battle-cards/vs-spreadsheets",
    ):
        db.session.expunge_all()
        with count_queries() as counter:
            response = as_referral.get(url)
        assert response.status_code == 200
        assert counter.count <= STATEMENT_BUDGET, (url, counter.statements)
        db.session.expunge_all()
        with count_queries() as counter:
            assert as_referral.get(url).status_code == 200
        assert counter.count <= REPEAT_STATEMENT_BUDGET, (url, counter.statements)
