"""The staff referral page leads with the stage's one next action; the rest is disclosed."""

from __future__ import annotations

import re

import pytest

from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals import api as referrals


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def _buttons(html: str) -> list[str]:
    """Labels of the buttons shown outside any closed disclosure."""
    visible = re.sub(r"<details class=\"disclosure\"[^>]*>.*?</details>", "", html, flags=re.S)
    return re.findall(r"<button[^>]*>([^<]+)</button>", visible)


def _disclosures(html: str) -> list[str]:
    return re.findall(r'<details class="disclosure"[^>]*>\s*<summary>([^<]+)</summary>', html)


@pytest.fixture
def referral(partner_user, make_referral):
    return make_referral(partner_user)


def _page(client, referral) -> str:
    response = client.get(f"/inbox/{referral.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_submitted_referral_leads_with_accept_or_reject(login, staff_user, referral):
    html = _page(login(staff_user), referral)
    assert _buttons(_section(html, "actions-heading")) == ["Accept", "Reject"]
    others = _section(html, "more-actions-heading")
    assert _buttons(others) == []
    assert _disclosures(others) == [
        "Change the owner",
        "Update the partner",
        "Add an internal note",
    ]


def test_an_accepted_referral_leads_with_its_next_stage(login, staff_user, referral):
    program = current_content().program
    referrals.accept(referral, staff_user, program)
    db.session.commit()
    html = _page(login(staff_user), referral)
    assert _buttons(_section(html, "actions-heading")) == ["Move to Contacted"]
    assert _disclosures(_section(html, "more-actions-heading")) == [
        "Change the owner",
        "Update the partner",
        "Record the deal value",
        "Mark won or lost before the last stage",
        "Add an internal note",
    ]


def test_the_last_stage_leads_with_won_or_lost(login, staff_user, referral):
    program = current_content().program
    referrals.accept(referral, staff_user, program)
    while referrals.next_stage(referral, program) is not None:
        referrals.advance(referral, staff_user, program)
    db.session.commit()
    html = _page(login(staff_user), referral)
    assert _buttons(_section(html, "actions-heading")) == ["Mark won", "Mark lost"]
    assert "Mark won or lost" not in _section(html, "more-actions-heading")


def test_a_closed_referral_offers_only_a_note(login, staff_user, referral):
    referrals.reject(referral, staff_user, "Not a fit for the program", current_content().program)
    db.session.commit()
    html = _page(login(staff_user), referral)
    assert "This referral is closed" in _section(html, "actions-heading")
    assert "Assign to me" not in _buttons(html)
    assert _buttons(_section(html, "actions-heading")) == []
    assert _disclosures(html) == ["Add an internal note"]


def test_a_refused_form_comes_back_with_its_disclosure_open(login, staff_user, referral):
    client = login(staff_user)
    _page(client, referral)
    response = client.post(f"/inbox/{referral.reference}/update", data={"message": " "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<details class="disclosure" id="update-disclosure" open>' in html
    assert '<details class="disclosure" id="note-disclosure">' in html
