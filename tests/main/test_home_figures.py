"""The partner home's figures above the next best action: open referrals with their latest
news, what waits on the partner, this year's earnings; each figure links to its page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals.models import CommissionDispute, ReferralEvent
from tests.scorecard.dataset import commission, referral


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _event(referral_row, kind: str, when: datetime, visible: bool = True) -> None:
    db.session.add(
        ReferralEvent(
            referral_id=referral_row.id, kind=kind, partner_visible=visible, created_at=when
        )
    )


@pytest.fixture
def now() -> datetime:
    return utcnow().replace(microsecond=0)


def test_open_referrals_show_with_their_latest_news_and_link_to_their_pages(
    login, partner_user, other_partner, now
) -> None:
    open_one = referral(partner_user.organization, partner_user, _iso(now - timedelta(days=3)),
                        "contacted", answered_after_hours=2)  # fmt: skip
    open_one.last_partner_update_at = now - timedelta(days=1)
    _event(open_one, "submitted", now - timedelta(days=3))
    _event(open_one, "stage_changed", now - timedelta(days=1))
    _event(open_one, "note", now - timedelta(hours=1), visible=False)  # internal: never shown
    referral(partner_user.organization, partner_user, _iso(now - timedelta(days=9)), "lost",
             answered_after_hours=2, closed=_iso(now - timedelta(days=2)))  # fmt: skip
    theirs = referral(other_partner.organization, other_partner, _iso(now), "submitted")
    theirs.company_name = "Globex Secret Deal"
    db.session.commit()

    page = login(partner_user).get("/").get_data(as_text=True)
    text = _text(page)
    assert "Open referrals" in text
    assert '<a href="/referrals"><span class="figure-number">1</span> open</a>' in page
    assert f'<a href="/referrals/{open_one.reference}">{open_one.company_name}</a>' in page
    assert "Stage changed" in text or "Moved to Contacted" in text
    assert "Internal note" not in text
    assert "Globex Secret Deal" not in text
    # The figures come before the next best action.
    assert page.index("Open referrals") < page.index("What to do next")


def test_no_open_referral_invites_a_first_one(login, partner_user) -> None:
    page = login(partner_user).get("/").get_data(as_text=True)
    assert "No open referrals." in _text(page)
    assert 'href="/referrals/new"' in page


def test_earnings_this_year_by_status_link_to_the_earnings_page(
    login, partner_user, other_partner, now
) -> None:
    year = now.year
    org = partner_user.organization

    def won(created: datetime):
        submitted = _iso(created - timedelta(days=30))
        return referral(org, partner_user, submitted, "won", answered_after_hours=1,
                        closed=_iso(created), deal_minor=1_000_000)  # fmt: skip

    this_year = datetime(year, 1, 1, tzinfo=UTC)
    commission(won(this_year), 100_000, _iso(this_year), "pending")
    commission(won(this_year + timedelta(hours=1)), 25_000, _iso(this_year + timedelta(hours=1)),
               "approved")  # fmt: skip
    commission(won(this_year + timedelta(hours=2)), 50_000, _iso(this_year + timedelta(hours=2)),
               "paid", paid=_iso(this_year + timedelta(hours=3)))  # fmt: skip
    last_year = this_year - timedelta(seconds=1)
    commission(won(last_year), 999_900, _iso(last_year), "paid", paid=_iso(last_year))
    theirs = referral(other_partner.organization, other_partner, _iso(this_year), "won",
                      answered_after_hours=1, closed=_iso(this_year), deal_minor=1)  # fmt: skip
    commission(theirs, 777_700, _iso(this_year), "pending")
    db.session.commit()

    page = login(partner_user).get("/").get_data(as_text=True)
    text = _text(page)
    assert f"Earnings in {year}" in text
    assert "Pending USD 1,000.00 Approved USD 250.00 Paid USD 500.00" in text
    assert '<a href="/earnings">USD 1,000.00</a>' in page
    assert "9,999.00" not in text and "7,777.00" not in text
    assert '<svg class="bar"' in page


def test_an_answered_dispute_waits_on_the_partner(login, partner_user, staff_user, now) -> None:
    org = partner_user.organization
    won = referral(org, partner_user, _iso(now - timedelta(days=40)), "won",
                   answered_after_hours=1, closed=_iso(now - timedelta(days=20)),
                   deal_minor=1_000_000)  # fmt: skip
    row = commission(won, 100_000, _iso(now - timedelta(days=20)), "pending")
    db.session.flush()
    db.session.add(
        CommissionDispute(
            commission_id=row.id,
            organization_id=org.id,
            opened_by_id=partner_user.id,
            reason="The value was higher.",
            opened_at=now - timedelta(days=5),
            answer="Checked: the recorded value is right.",
            resolved_by_id=staff_user.id,
            resolved_at=now - timedelta(days=2),
        )
    )
    db.session.commit()
    text = _text(login(partner_user).get("/").get_data(as_text=True))
    assert "Waiting on you" in text
    assert f"The partner team answered your dispute on {won.reference}" in text


def test_nothing_waiting_shows_no_waiting_section(login, partner_user) -> None:
    assert "Waiting on you" not in login(partner_user).get("/").get_data(as_text=True)


def test_the_home_reads_the_same_statements_for_one_referral_or_many(
    app, login, partner_user, now, count_queries
) -> None:
    org = partner_user.organization
    client = login(partner_user)

    def statements() -> int:
        client.get("/")
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter.count

    referral(org, partner_user, _iso(now - timedelta(days=1)), "submitted")
    db.session.commit()
    few = statements()
    for n in range(30):
        row = referral(org, partner_user, _iso(now - timedelta(hours=n + 2)), "accepted",
                       answered_after_hours=1)  # fmt: skip
        _event(row, "accepted", now - timedelta(hours=n + 1))
    db.session.commit()
    assert statements() == few
    # All 31 counted, the five with the latest news shown.
    page = client.get("/").get_data(as_text=True)
    assert '<span class="figure-number">31</span> open</a>' in page
    assert page.count('<a href="/referrals/R-') == 5
