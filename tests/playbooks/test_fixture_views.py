"""Playbook pages over the fixture content as the loader builds it from Markdown."""

from __future__ import annotations

import re

import pytest

RESELLER_ONLY = "/playbooks/use-cases/saas-forecasting"


@pytest.fixture
def as_referral(login, partner_user):
    return login(partner_user)


@pytest.fixture
def as_reseller(login, other_partner):
    return login(other_partner)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_library_lists_the_fixture_items_by_kind(as_referral):
    page = text(as_referral.get("/playbooks"))
    for title in ("The discovery call", "Testwind vs spreadsheets", "It is too expensive"):
        assert title in page
    assert "Five questions that find a forecasting problem." in page
    assert re.search(r'<h2 id="kind-talk-tracks">Talk tracks</h2>', page)
    assert 'href="/playbooks?tag=pricing"' in page


def test_the_reseller_only_use_case_is_hidden_from_a_referral_partner(as_referral):
    assert as_referral.get(RESELLER_ONLY).status_code == 404
    assert "Forecasting for a SaaS reseller" not in text(as_referral.get("/playbooks"))
    assert "saas-forecasting" not in text(as_referral.get("/playbooks/use-cases"))
    for url in ("/playbooks/talk-tracks/discovery-call", "/playbooks/objections/too-expensive"):
        page = text(as_referral.get(url))
        assert "saas-forecasting" not in page and "Forecasting for a SaaS reseller" not in page
    assert "No playbook is tagged “saas”" in text(as_referral.get("/playbooks?tag=saas"))


def test_a_reseller_sees_the_use_case_with_its_facts_and_as_related(as_reseller):
    page = text(as_reseller.get(RESELLER_ONLY))
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert facts["Industry"] == "Software" and facts["Metric"] == "30% to 5% forecast error"
    discovery = text(as_reseller.get("/playbooks/talk-tracks/discovery-call"))
    assert 'href="/playbooks/use-cases/saas-forecasting"' in discovery


def test_the_fixture_battle_card_table(as_referral):
    page = text(as_referral.get("/playbooks/battle-cards/spreadsheets"))
    assert "<caption>Testwind compared with spreadsheets</caption>" in page
    assert '<th scope="col">Capability</th>' in page
    assert '<th scope="row">Live pipeline</th>' in page
    assert "<td>Guesswork</td>" in page


def test_the_fixture_objection(as_referral):
    page = text(as_referral.get("/playbooks/objections/too-expensive"))
    assert page.index("Your product costs more than we budgeted.") < page.index(
        "One missed quarter costs more than a year of Testwind."
    )
    assert "Walk through the cost of a forecast miss" in page
