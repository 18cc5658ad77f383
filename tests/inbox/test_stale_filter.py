"""The inbox's `sla=stale` filter: open referrals answered once, then left without an update
past the staleness window (what /insights counts as stale)."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.db_types import utcnow
from portal.extensions import db
from portal.inbox.listing import SLA_FILTERS, inbox_page, parse_filters
from tests.conftest import new_org, new_referral, new_user

NOW = utcnow().replace(microsecond=0)


def test_stale_keeps_answered_referrals_past_their_clock(app):
    staff = new_user(Role.STAFF, None)
    partner = new_user(Role.PARTNER_USER, new_org())
    stale = new_referral(partner)
    unanswered_overdue = new_referral(partner)
    answered_on_track = new_referral(partner)
    closed = new_referral(partner)
    stale.first_responded_at = NOW - timedelta(days=20)
    stale.next_due_at = NOW - timedelta(days=6)
    unanswered_overdue.next_due_at = NOW - timedelta(hours=1)
    answered_on_track.first_responded_at = NOW - timedelta(days=1)
    answered_on_track.next_due_at = NOW + timedelta(days=13)
    closed.first_responded_at = NOW - timedelta(days=20)
    closed.status, closed.next_due_at, closed.closed_at = "lost", None, NOW
    db.session.commit()

    filters = parse_filters({"sla": "stale"})
    assert filters.problems == () and "stale" in SLA_FILTERS
    assert [row.referral.id for row in inbox_page(filters, staff, now=NOW).rows] == [stale.id]
    overdue = inbox_page(parse_filters({"sla": "overdue"}), staff, now=NOW).rows
    assert {row.referral.id for row in overdue} == {stale.id, unanswered_overdue.id}


def test_the_filter_is_offered_on_the_page(client, login, staff_user):
    html = login(staff_user).get("/inbox/?sla=stale").get_data(as_text=True)
    assert '<option selected value="stale">' in html or 'value="stale" selected' in html
