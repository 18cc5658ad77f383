"""Every empty list says what to do next, with the link that does it (an `.empty-state`)."""

from __future__ import annotations

import re

import pytest

EMPTY_STATE = re.compile(r'<div class="empty-state">(.*?)</div>', re.S)

# (who, url, words in the empty state, the link it offers)
CASES = [
    ("partner", "/referrals", "not submitted a referral yet", "/referrals/new"),
    ("partner", "/earnings", "No commissions yet", "/referrals"),
    ("partner", "/certificates", "You hold no certificate yet", "/learn"),
    ("staff", "/inbox/", "the inbox is clear", "/inbox/?status=all"),
    ("staff", "/inbox/?q=nothing-like-this", "No referrals match these filters", "/inbox/"),
    ("staff", "/inbox/commissions", "No commissions yet", "/inbox/"),
    ("staff", "/inbox/commissions?status=paid", "No commissions match", "/inbox/commissions"),
    ("staff", "/inbox/customers", "The customer list is empty", "#add-heading"),
    ("staff", "/inbox/customers?q=nothing", "No customer matches", "/inbox/customers"),
    ("staff", "/staff/tiers", "No tier changes are waiting", "/staff/orgs"),
    ("admin", "/admin/audit?actor=nobody-like-this", "No audit entries match", "/admin/audit"),
]


@pytest.mark.parametrize(("who", "url", "words", "link"), CASES)
def test_an_empty_list_offers_the_next_step(
    login, partner_user, staff_user, admin_user, who, url, words, link
):
    user = {"partner": partner_user, "staff": staff_user, "admin": admin_user}[who]
    response = login(user).get(url)
    assert response.status_code == 200
    states = EMPTY_STATE.findall(response.get_data(as_text=True))
    matching = [state for state in states if words in state]
    assert matching, states
    assert f'href="{link}"' in matching[0]


def test_the_staff_organisation_page_offers_an_invitation(login, staff_user, make_org):
    org = make_org(name="Quiet Partners")
    html = login(staff_user).get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    states = EMPTY_STATE.findall(html)
    assert any('href="#invite"' in s and "Nobody has accepted" in s for s in states)
    assert any('href="#log-meeting"' in s for s in states)
    assert 'id="invite"' in html and 'id="log-meeting"' in html
