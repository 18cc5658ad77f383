"""The partner home's tier card: the tier, each criterion of the next tier as a bar with the
action that moves it, and a grace period's warning with its date.

The fixture program: registered needs the agreement; silver one certified person and two
accepted referrals a year; gold three certified people, five won deals or USD 100,000 won a
year, and a recent QBR (tests/tiers/conftest.py).
"""

from __future__ import annotations

import re
from datetime import date

from portal.extensions import db
from portal.main import tier_card
from portal.tiers.models import TierStatus
from tests.conftest import new_certification
from tests.tiers.conftest import accept_referrals, agree, silver_partner


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _card(page: str) -> str:
    match = re.search(r'<section class="card tier-card".*?</section>', page, re.S)
    assert match, "no tier card"
    return match.group(0)


def test_the_next_tiers_criteria_with_the_action_that_moves_each(
    login, partner_admin, partner_org
) -> None:
    agree(partner_org)
    new_certification(partner_admin)
    accept_referrals(partner_admin, 1)
    page = login(partner_admin).get("/").get_data(as_text=True)
    card = _card(page)
    text = _text(card)
    assert "Your tier: Registered" in text
    assert "1 of 2 requirements of Silver met." in text
    assert "One certified person Met 1 of 1" in text
    assert "Two referrals a year 1 of 2 · 1 more accepted referral → , next step: Submit a" in text
    assert '<a href="/referrals/new">Submit a referral</a>' in card
    assert card.count('<svg class="bar"') == 2
    assert "Your organisation no longer meets" not in text
    # The card sits above the next best action.
    assert page.index("tier-card-heading") < page.index("What to do next")


def test_a_certificate_criterion_points_to_learning(login, partner_admin, partner_org) -> None:
    agree(partner_org)
    card = _card(login(partner_admin).get("/").get_data(as_text=True))
    assert "1 more certified person" in _text(card)
    assert '<a href="/learn">Learning paths</a>' in card


def test_a_grace_period_is_announced_with_its_date_and_what_is_missing(login) -> None:
    org, admin = silver_partner()
    # The referrals were accepted, but a certificate is all the organisation had: it lapses.
    from portal.learning.models import Certification

    for cert in db.session.scalars(db.select(Certification)):
        cert.revoked_at = cert.issued_at
    db.session.add(
        TierStatus(
            organization_id=org.id,
            grace_tier="silver",
            grace_started_on=date(2026, 12, 1),
            grace_ends_on=date(2026, 12, 31),
        )
    )
    db.session.commit()
    text = _text(_card(login(admin).get("/").get_data(as_text=True)))
    assert "Your tier: Silver" in text
    assert "no longer meets every requirement of Silver." in text
    assert "It keeps Silver until 31 Dec 2026" in text
    assert "One certified person: 0 of 1" in text
    assert "requirements of Gold met." in text


def test_the_top_tier_says_so(login, partner_admin, partner_org) -> None:
    partner_org.tier = "gold"
    db.session.commit()
    text = _text(_card(login(partner_admin).get("/").get_data(as_text=True)))
    assert "Your tier: Gold" in text
    assert "Gold is the program's top tier." in text


def test_without_a_registered_source_there_is_no_tier_card(
    app, login, partner_admin, monkeypatch
) -> None:
    monkeypatch.delitem(app.extensions, "partner_tier_card_source")
    page = login(partner_admin).get("/").get_data(as_text=True)
    assert "tier-card" not in page
    assert "Your tier" not in page
    assert tier_card.tier_card_for is not None
