"""New referrals: marked for staff until someone on the team opens them; counts on top."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.db_types import utcnow
from portal.extensions import db
from portal.inbox.counts import attention_counts
from portal.referrals import api as referrals


def _new_badge(html: str, reference: str) -> bool:
    row = re.search(rf"{reference}</span>(.*?)</th>", html, re.S)
    assert row, reference
    return '<span class="badge badge-new">New</span>' in row.group(1)


def test_a_referral_is_new_until_someone_on_staff_opens_it(
    login, staff_user, partner_user, make_referral
):
    referral = make_referral(partner_user)
    client = login(staff_user)
    assert _new_badge(client.get("/inbox/").get_data(as_text=True), referral.reference)

    client.get(f"/inbox/{referral.reference}")

    db.session.refresh(referral)
    assert referral.first_opened_by_id == staff_user.id
    assert referral.first_opened_at is not None
    assert not _new_badge(client.get("/inbox/").get_data(as_text=True), referral.reference)


def test_the_first_opening_is_kept(app, staff_user, admin_user, partner_user, make_referral):
    referral = make_referral(partner_user)
    first = utcnow() - timedelta(hours=1)
    assert referrals.mark_opened(referral, staff_user, now=first)
    assert not referrals.mark_opened(referral, admin_user)
    db.session.commit()
    db.session.refresh(referral)
    assert referral.first_opened_by_id == staff_user.id
    assert referral.first_opened_at == first


def test_a_partner_opening_their_own_referral_does_not_count(login, partner_user, make_referral):
    referral = make_referral(partner_user)
    login(partner_user).get(f"/referrals/{referral.reference}")
    db.session.refresh(referral)
    assert referral.first_opened_at is None
    assert not referrals.mark_opened(referral, partner_user)


def test_counts_on_top_link_to_the_filtered_inbox(login, staff_user, partner_user, make_referral):
    past = utcnow() - timedelta(days=30)
    fresh = make_referral(partner_user)
    late = make_referral(partner_user, now=past)  # first response overdue, never opened
    stale = make_referral(partner_user, now=past)
    stale.first_responded_at = past + timedelta(hours=1)
    stale.first_opened_at = past + timedelta(hours=1)
    db.session.commit()
    client = login(staff_user)

    html = client.get("/inbox/").get_data(as_text=True)

    def stat(href: str) -> int:
        match = re.search(
            rf'<a class="stat stat-link" href="{re.escape(href)}">'
            r'<span class="stat-value">(\d+)</span>',
            html,
        )
        assert match, href
        return int(match.group(1))

    assert stat("/inbox/?new=1") == 2
    assert stat("/inbox/?sla=overdue") == 2
    assert stat("/inbox/?sla=stale") == 1
    new_list = client.get("/inbox/?new=1").get_data(as_text=True)
    assert fresh.reference in new_list and late.reference in new_list
    assert stale.reference not in new_list
    stale_list = client.get("/inbox/?sla=stale").get_data(as_text=True)
    assert stale.reference in stale_list and late.reference not in stale_list


def test_counts_are_one_statement(app, staff_user, partner_user, make_referral, count_queries):
    make_referral(partner_user)
    with count_queries() as counted:
        counts = attention_counts(staff_user)
    assert counted.count == 1
    assert {c.key: c.count for c in counts} == {"new": 1, "breaching": 0, "stale": 0}


def test_empty_inbox_says_what_to_do_next(login, staff_user):
    client = login(staff_user)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "No open referrals: the inbox is clear." in html
    assert '<a href="/inbox/?status=all">Show closed referrals too</a>' in html
    filtered = client.get("/inbox/?q=nothing-like-this").get_data(as_text=True)
    assert "No referrals match these filters." in filtered
    assert '<a href="/inbox/">Clear the filters</a>' in filtered


def test_acting_on_a_referral_from_its_row_means_it_was_seen(
    login, staff_user, partner_user, make_referral
):
    """Accepting from the inbox row, without opening the page, clears New too."""
    referral = make_referral(partner_user)
    client = login(staff_user)

    assert client.post(f"/inbox/{referral.reference}/accept").status_code == 302

    db.session.refresh(referral)
    assert referral.first_opened_by_id == staff_user.id
    assert not _new_badge(client.get("/inbox/").get_data(as_text=True), referral.reference)
