"""Leads on /insights and the scorecard: received, accepted, time to accept, win rate."""

from __future__ import annotations

from datetime import timedelta

from portal.db_types import utcnow
from portal.extensions import db
from portal.insights.leads import lead_figures
from portal.leads.models import LeadOffer, LeadStatus, OfferOutcome
from tests.leads.factories import new_lead


def _world(make_org):
    now = utcnow()
    first, second = make_org(name="First Leads"), make_org(name="Second Leads")
    won = new_lead(first.id, status=LeadStatus.WON, status_changed_at=now)
    new_lead(first.id, status=LeadStatus.LOST, status_changed_at=now, lost_reason="Budget")
    new_lead(first.id)  # offered, not answered
    new_lead(second.id)
    for offer in db.session.query(LeadOffer).filter(LeadOffer.organization_id == first.id):
        if offer.lead_id != won.id + 2:
            offer.outcome = OfferOutcome.ACCEPTED
            offer.offered_at = now - timedelta(hours=10)
            offer.decided_at = now - timedelta(hours=10 - (2 if offer.lead_id == won.id else 6))
    db.session.commit()
    return now, first


def test_figures_for_one_partner_and_the_program(app, make_org):
    now, first = _world(make_org)
    start, end = now - timedelta(days=1), now + timedelta(minutes=1)
    mine = lead_figures(start, end, first.id)
    assert (mine.received, mine.accepted, mine.won, mine.closed) == (3, 2, 1, 2)
    assert mine.median_accept_hours == 4.0  # 2 h and 6 h
    assert mine.win_rate == 50.0
    assert lead_figures(start, end).received == 4
    assert lead_figures(now - timedelta(days=9), now - timedelta(days=8)).received == 0


def test_the_pages_show_them(client, login, make_org, make_user, staff_user):
    _now, first = _world(make_org)
    login(staff_user)
    page = client.get("/insights").get_data(as_text=True)
    assert "Leads routed to partners" in page and "Win rate on routed leads" in page
    login(make_user("partner_admin", first))
    page = client.get("/scorecard").get_data(as_text=True)
    assert "Leads routed to you" in page and "50 %" in page
