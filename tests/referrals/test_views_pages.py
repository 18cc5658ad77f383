"""The partner's referral list, one referral's page and the confirmation page."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals.events import EventKind, add_event
from portal.referrals.views import PAGE_SIZE

SECRET_NOTE = "Internal: their CFO is hostile, price high"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_empty_list_links_to_the_form(login, partner_user):
    page = _page(login(partner_user), "/referrals")
    assert "has not submitted a referral yet" in page
    assert 'href="/referrals/new"' in page


def test_list_shows_the_organisation_s_referrals_newest_first(
    login, partner_user, partner_admin, other_partner, staff_user, make_referral
):
    older = make_referral(partner_user, company_name="Older Co")
    newer = make_referral(partner_admin, company_name="Newer Co")
    make_referral(other_partner, company_name="Someone Else Inc")
    newer.owner_id = staff_user.id
    db.session.commit()

    page = _page(login(partner_user), "/referrals")
    assert page.index("Newer Co") < page.index("Older Co")
    assert f'href="/referrals/{older.reference}"' in page
    assert "Someone Else Inc" not in page
    assert "Sam" in page  # the owner's first name
    assert "Staff" not in page.split("<table")[1]  # never the owner's full name
    assert "Not assigned yet" in page
    assert "Submitted" in page
    assert "First response from the partner team due in" in page


def test_list_pages_with_before(login, partner_user, make_referral):
    referrals = [make_referral(partner_user, company_name=f"Company {n:03d}") for n in range(30)]
    client = login(partner_user)
    first = _page(client, "/referrals")
    assert "Company 029" in first and "Company 005" in first and "Company 004" not in first
    older = re.search(r'href="/referrals\?before=(\d+)" rel="next"', first)
    assert older and int(older.group(1)) == referrals[-PAGE_SIZE].id
    second = _page(client, f"/referrals?before={older.group(1)}")
    assert "Company 004" in second and "Company 000" in second and "Company 005" not in second
    assert 'rel="next"' not in second
    assert 'href="/referrals">Newest' in second


@pytest.mark.parametrize("before", ["x", "-1", "0", "99999999999999999999", "1e5"])
def test_odd_before_values_are_harmless(login, partner_user, make_referral, before):
    make_referral(partner_user, company_name="Still Here Ltd")
    page = _page(login(partner_user), f"/referrals?before={before}")
    assert "<table" in page or "has not submitted" in page


def test_htmx_gets_only_the_list(login, partner_user, make_referral):
    make_referral(partner_user)
    response = login(partner_user).get("/referrals", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="referral-list"' in body


def test_detail_shows_details_timeline_and_owner(login, partner_user, staff_user, make_referral):
    referral = make_referral(
        partner_user, company_name="Fabrikam", contact_phone="+1 555 010 2030", region="Europe"
    )
    program = current_content().program
    referral.owner_id = staff_user.id
    add_event(referral, EventKind.ASSIGNED, staff_user, message="Assigned to Sam", program=program)
    add_event(
        referral, EventKind.ACCEPTED, staff_user, from_status="submitted", to_status="accepted",
        program=program,
    )  # fmt: skip
    referral.status = "accepted"
    add_event(referral, EventKind.UPDATE, staff_user, message="Call booked for Tuesday.")
    add_event(referral, EventKind.NOTE, staff_user, message=SECRET_NOTE)
    db.session.commit()

    page = _page(login(partner_user), f"/referrals/{referral.reference}")
    assert "Fabrikam" in page and "+1 555 010 2030" in page and "USD 48,000.00" in page
    assert "In 3 to 6 months" in page and "Sourced: we brought this lead" in page
    assert "Referral submitted" in page
    assert "Accepted by the partner team" in page
    assert "Call booked for Tuesday." in page
    assert "Sam" in page and "Sam Staff" not in page
    # Internal events never reach the partner.
    assert SECRET_NOTE not in page
    assert "Internal note" not in page and "Owner changed" not in page
    assert "Assigned to Sam" not in page


def test_detail_of_a_lost_referral_shows_the_reason(login, partner_user, staff_user, make_referral):
    referral = make_referral(partner_user)
    referral.status = "lost"
    referral.close_reason = "They chose to build it in house."
    referral.closed_at = utcnow()
    add_event(referral, EventKind.LOST, staff_user, message=referral.close_reason)
    db.session.commit()
    page = _page(login(partner_user), f"/referrals/{referral.reference}")
    assert "They chose to build it in house." in page
    assert "Lost" in page and "Closed" in page


def test_detail_shows_the_commission(login, partner_user, staff_user, make_won_referral):
    referral, commission = make_won_referral(partner_user, staff_user)
    page = _page(login(partner_user), f"/referrals/{referral.reference}")
    assert "USD 10,000.00" in page
    assert "Pending" in page
    assert commission.explanation in page
    assert 'href="/earnings"' in page


def test_conflict_is_under_review_and_never_names_the_other_partner(
    login, partner_user, other_partner, make_referral
):
    make_referral(other_partner, company_website="contoso.com")
    mine = make_referral(partner_user, company_website="www.contoso.com")
    assert mine.status == "conflict"
    client = login(partner_user)
    for url in (f"/referrals/{mine.reference}", f"/referrals/{mine.reference}/submitted"):
        page = _page(client, url)
        assert "Under review" in page and "rules of engagement" in page
        assert other_partner.organization.name not in page
        assert other_partner.name not in page


@pytest.mark.parametrize("suffix", ["", "/submitted"])
def test_another_organisation_gets_404(login, partner_user, other_partner, make_referral, suffix):
    referral = make_referral(partner_user)
    client = login(other_partner)
    assert client.get(f"/referrals/{referral.reference}{suffix}").status_code == 404
    assert client.get(f"/referrals/{referral.id}{suffix}").status_code == 404


@pytest.mark.parametrize("ref", ["R-999999", "nonsense", "R-", "R-99999999999999999999"])
def test_unknown_references_are_404(login, partner_user, ref):
    assert login(partner_user).get(f"/referrals/{ref}").status_code == 404


def test_colleagues_see_each_other_s_referrals(login, partner_user, partner_admin, make_referral):
    referral = make_referral(partner_user, company_name="Shared Co")
    assert "Shared Co" in _page(login(partner_admin), f"/referrals/{referral.reference}")


def test_partner_text_is_escaped(login, partner_user, make_referral):
    payload = "<img src=x onerror=alert(1)>\"'><script>alert(2)</script>"
    referral = make_referral(
        partner_user, company_name=payload, contact_name=payload, contact_role=payload,
        customer_need=payload, company_website="https://ok.example.org/" + payload,
    )  # fmt: skip
    client = login(partner_user)
    for url in ("/referrals", f"/referrals/{referral.reference}",
                f"/referrals/{referral.reference}/submitted"):  # fmt: skip
        page = _page(client, url)
        assert "<img src=x" not in page and "<script>alert(2)" not in page


def _fill(partner_user, staff_user, make_referral, count: int) -> None:
    program = current_content().program
    for n in range(count):
        referral = make_referral(partner_user, company_name=f"Load {n}")
        referral.owner_id = staff_user.id if n % 2 else None
        add_event(referral, EventKind.UPDATE, staff_user, message="Progress", program=program)
    db.session.commit()


@pytest.mark.parametrize("url", ["/referrals", "{last}", "{last}/submitted"])
def test_query_counts_are_small_and_flat(
    login, partner_user, staff_user, make_referral, count_queries, url
):
    client = login(partner_user)
    partner_id, staff_id = partner_user.id, staff_user.id
    counts = []
    for extra in (3, 27):  # 3 referrals, then 30
        partner, staff = db.session.get(User, partner_id), db.session.get(User, staff_id)
        _fill(partner, staff, make_referral, extra - 1)
        last = make_referral(partner)
        last.owner_id = staff.id
        add_event(last, EventKind.UPDATE, staff, message="Latest")
        db.session.commit()
        target = url.format(last=f"/referrals/{last.reference}")
        db.session.expunge_all()  # a real request starts with an empty session
        with count_queries() as counter:
            assert client.get(target).status_code == 200
        counts.append(counter.count)
    assert counts[0] <= 12, counts
    assert counts[0] == counts[1], counts
