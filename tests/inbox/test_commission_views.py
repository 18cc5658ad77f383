"""Staff commission pages: the list, approving, paying, answering disputes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import earnings
from portal.referrals.commission_lifecycle import approve, open_dispute
from portal.referrals.models import CommissionDispute
from tests.referrals.test_commission_lifecycle import REASON, won_commission

HTMX = {"HX-Request": "true"}


def _audit_count() -> int:
    stmt = sa.select(sa.func.count()).select_from(AuditEntry)
    return db.session.scalar(stmt.where(AuditEntry.action.like("commission.%")))


@pytest.fixture
def held(partner_user, staff_user, make_referral):
    """A pending commission still inside its hold period."""
    return won_commission(make_referral, partner_user, staff_user, now=utcnow())


@pytest.fixture
def ripe(partner_user, staff_user, make_referral):
    """A pending commission whose hold period is over."""
    return won_commission(
        make_referral, partner_user, staff_user, now=utcnow() - timedelta(days=61)
    )


@pytest.fixture
def approved(ripe, staff_user):
    approve(ripe, staff_user)
    db.session.commit()
    return ripe


def test_list_shows_each_commission_and_what_it_waits_for(
    app, login, staff_user, partner_user, held, approved
):
    open_dispute(held, partner_user, REASON)
    db.session.commit()
    html = login(staff_user).get("/inbox/commissions").get_data(as_text=True)
    for c in (held, approved):
        ref = c.referral.reference
        assert f'<a href="/inbox/{ref}">{ref}</a>' in html
    assert "Acme Referrals" in html
    assert "USD 10,000.00" in html
    assert f"“{REASON}”" in html
    assert f'action="/inbox/commissions/{approved.id}/pay"' in html
    assert f'for="payout-reference-{approved.id}"' in html
    dispute = db.session.scalar(sa.select(CommissionDispute))
    assert f'action="/inbox/commissions/disputes/{dispute.id}/resolve"' in html


def test_list_filters_by_status_and_pages(app, login, staff_user, partner_user, make_referral):
    made = [won_commission(make_referral, partner_user, staff_user) for _ in range(3)]
    client = login(staff_user)
    html = client.get("/inbox/commissions?status=paid").get_data(as_text=True)
    assert "No commissions match" in html
    page = earnings.commissions_for_staff("pending", None, per_page=2)
    assert page.next_cursor == made[1].id
    response = client.get(f"/inbox/commissions?status=pending&after={page.next_cursor}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="commission-{made[2].id}"' in html
    assert f'id="commission-{made[0].id}"' not in html
    htmx = client.get("/inbox/commissions?status=pending", headers=HTMX).get_data(as_text=True)
    assert htmx.lstrip().startswith('<div id="commission-results">')


@pytest.mark.parametrize("query", ["status=nonsense", "after=0", "after=abc"])
def test_bad_filters_get_a_message(app, login, staff_user, query):
    response = login(staff_user).get(f"/inbox/commissions?{query}")
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)


def test_approve_inside_the_hold_is_refused(app, login, staff_user, held):
    client = login(staff_user)
    response = client.post(f"/inbox/commissions/{held.id}/approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = f"can be approved from {held.approvable_from:%d %b %Y}, after the 60-day hold"
    assert expected in html
    assert held.referral.reference in html  # the summary names the referral
    htmx = client.post(f"/inbox/commissions/{held.id}/approve", headers=HTMX)
    assert htmx.status_code == 200
    assert htmx.get_data(as_text=True).lstrip().startswith(f'<tr id="commission-{held.id}">')
    assert expected in htmx.get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == "pending"
    assert _audit_count() == 0


def test_approve_after_the_hold(app, login, staff_user, ripe):
    response = login(staff_user).post(f"/inbox/commissions/{ripe.id}/approve?status=pending")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inbox/commissions?status=pending")
    db.session.refresh(ripe)
    assert ripe.status == "approved" and ripe.approved_by_id == staff_user.id
    assert _audit_count() == 1


def test_approve_by_htmx_returns_the_row_with_the_next_action(app, login, staff_user, ripe):
    response = login(staff_user).post(f"/inbox/commissions/{ripe.id}/approve", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is approved" in html
    assert f'action="/inbox/commissions/{ripe.id}/pay"' in html


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "Enter the payout reference from the payment."),
        ("P" * 101, "The payout reference is at most 100 characters long."),
        ("PAY\x7f1", "The payout reference may only contain printable characters."),
    ],
)
def test_pay_with_a_bad_reference(app, login, staff_user, approved, reference, message):
    response = login(staff_user).post(
        f"/inbox/commissions/{approved.id}/pay", data={"payout_reference": reference}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="payout-reference-{approved.id}-error">{message}</p>' in html
    db.session.refresh(approved)
    assert approved.status == "approved" and approved.payout_reference == ""
    assert _audit_count() == 1  # only the approval


def test_pay_a_pending_commission_is_refused(app, login, staff_user, ripe):
    response = login(staff_user).post(
        f"/inbox/commissions/{ripe.id}/pay", data={"payout_reference": "PAY-1"}
    )
    assert response.status_code == 422
    assert "Approve this commission before marking it paid." in response.get_data(as_text=True)
    db.session.refresh(ripe)
    assert ripe.status == "pending"


def test_pay(app, login, staff_user, approved):
    response = login(staff_user).post(
        f"/inbox/commissions/{approved.id}/pay", data={"payout_reference": "SEPA-42"}
    )
    assert response.status_code == 302
    db.session.refresh(approved)
    assert approved.status == "paid" and approved.payout_reference == "SEPA-42"


def test_resolve_a_dispute(app, login, staff_user, partner_user, approved):
    dispute = open_dispute(approved, partner_user, REASON)
    db.session.commit()
    client = login(staff_user)
    url = f"/inbox/commissions/disputes/{dispute.id}/resolve"
    empty = client.post(url, data={"answer": "  "})
    assert empty.status_code == 422
    message = "Write the answer the partner will read."
    assert f'<p class="error" id="answer-{approved.id}-error">{message}</p>' in empty.get_data(
        as_text=True
    )
    db.session.refresh(approved)
    assert approved.status == "disputed"

    response = client.post(url, data={"answer": "Checked: USD 100,000 is the signed value."})
    assert response.status_code == 302
    db.session.refresh(approved)
    assert approved.status == "approved"
    again = client.post(url, data={"answer": "Twice."}, headers=HTMX)
    assert again.status_code == 200
    assert "already been answered" in again.get_data(as_text=True)

    html = login(partner_user).get("/earnings").get_data(as_text=True)
    assert "Checked: USD 100,000 is the signed value." in html


def test_unknown_ids_are_not_found(app, login, staff_user):
    client = login(staff_user)
    assert client.post("/inbox/commissions/999/approve").status_code == 404
    assert (
        client.post("/inbox/commissions/999/pay", data={"payout_reference": "P"}).status_code == 404
    )
    assert (
        client.post("/inbox/commissions/disputes/999/resolve", data={"answer": "A"}).status_code
        == 404
    )


def test_partners_may_not_act(app, login, partner_admin, approved):
    client = login(partner_admin)
    assert client.get("/inbox/commissions").status_code == 403
    response = client.post(f"/inbox/commissions/{approved.id}/pay", data={"payout_reference": "P"})
    assert response.status_code == 403
    db.session.refresh(approved)
    assert approved.status == "approved"


def test_user_text_is_escaped_for_staff(app, login, staff_user, partner_user, held):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    open_dispute(held, partner_user, payload)
    db.session.commit()
    html = login(staff_user).get("/inbox/commissions").get_data(as_text=True)
    assert payload not in html and "&lt;script&gt;" in html


def test_list_statements_are_flat(
    app, login, staff_user, partner_user, make_referral, count_queries
):
    def statements() -> int:
        client.get("/inbox/commissions")
        with count_queries() as counter:
            assert client.get("/inbox/commissions").status_code == 200
        return counter.count

    for _ in range(3):
        open_dispute(won_commission(make_referral, partner_user, staff_user), partner_user, REASON)
    db.session.commit()
    client = login(staff_user)
    few = statements()
    for _ in range(27):
        won_commission(make_referral, partner_user, staff_user)
    assert few <= 12
    assert statements() == few
