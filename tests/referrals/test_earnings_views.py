"""The partner's earnings page and disputing a commission, through requests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.commission_lifecycle import approve, mark_paid, open_dispute, resolve_dispute
from portal.referrals.events import EventKind, timeline
from portal.referrals.models import CommissionDispute
from tests.referrals.test_commission_lifecycle import REASON, won_commission

HTMX = {"HX-Request": "true"}


def _disputes() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CommissionDispute))


@pytest.fixture
def commission(partner_user, staff_user, make_referral):
    return won_commission(make_referral, partner_user, staff_user)


def test_earnings_page_lists_the_organisations_commissions(
    app, login, partner_user, partner_admin, other_partner, staff_user, make_referral
):
    pending = won_commission(make_referral, partner_user, staff_user)
    paid = won_commission(make_referral, partner_user, staff_user, deal_value_minor=50_000_000)
    approve(paid, staff_user, now=paid.approvable_from)
    mark_paid(paid, staff_user, "SEPA-2027-00042")
    foreign = won_commission(make_referral, other_partner, staff_user)
    db.session.commit()

    response = login(partner_admin).get("/earnings")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for c in (pending, paid):
        ref = c.referral.reference
        assert f'<a href="/referrals/{ref}">{ref}</a>' in html
        assert c.referral.company_name in html
        assert f'action="/earnings/{c.id}/dispute"' in html
    assert "USD 100,000.00" in html and "USD 10,000.00" in html  # deal value, amount
    assert "10% of USD 100,000.00 for a sourced referral by a referral partner" in html
    assert "Can be approved from <time" in html and "12 Jan 2027" in html
    assert "payout reference SEPA-2027-00042" in html
    assert 'id="total-pending">USD 10,000.00<' in html
    assert 'id="total-paid">USD 20,000.00<' in html
    assert 'id="total-disputed">USD 0.00<' in html
    # Another organisation's commission is not listed.
    assert foreign.referral.company_name not in html
    assert f"/earnings/{foreign.id}/dispute" not in html


def test_earnings_page_without_commissions(app, login, partner_user):
    response = login(partner_user).get("/earnings")
    assert response.status_code == 200
    assert "No commissions yet" in response.get_data(as_text=True)


def test_dispute_by_plain_post(app, login, partner_user, commission):
    client = login(partner_user)
    response = client.post(f"/earnings/{commission.id}/dispute", data={"reason": REASON})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/earnings")
    assert commission.status == "disputed"
    html = client.get("/earnings").get_data(as_text=True)
    assert "Your dispute was sent" in html
    assert "You disputed this on" in html and REASON in html
    assert 'id="total-disputed">USD 10,000.00<' in html
    assert f"/earnings/{commission.id}/dispute" not in html  # no second dispute form
    assert timeline(commission.referral_id, partner_view=True)[-1].kind == (
        EventKind.DISPUTE_OPENED
    )


def test_dispute_by_htmx_returns_the_row_and_totals(app, login, partner_user, commission):
    response = login(partner_user).post(
        f"/earnings/{commission.id}/dispute", data={"reason": REASON}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="commission-{commission.id}">')
    assert "<html" not in html
    assert 'id="earnings-totals" class="grid" aria-label="Totals" data-hx-swap-oob="true"' in html
    assert 'id="total-disputed">USD 10,000.00<' in html
    assert _disputes() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Tell us what is wrong with this commission."),
        ("Too low", "Tell us what is wrong in at least 10 characters."),
        ("x" * 2001, "Keep the reason to 2000 characters or fewer."),
    ],
)
def test_bad_reason_gets_a_message_and_stores_nothing(
    app, login, partner_user, commission, reason, message
):
    client = login(partner_user)
    url = f"/earnings/{commission.id}/dispute"
    response = client.post(url, data={"reason": reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="reason-{commission.id}-error">{message}</p>' in html
    assert f'id="reason-{commission.id}" name="reason"' in html
    assert "<details open>" in html
    htmx = client.post(url, data={"reason": reason}, headers=HTMX)
    assert htmx.status_code == 200
    assert message in htmx.get_data(as_text=True)
    assert _disputes() == 0
    assert commission.status == "pending"


def test_second_dispute_gets_a_message(app, login, partner_user, partner_admin, commission):
    open_dispute(commission, partner_user, REASON)
    db.session.commit()
    response = login(partner_admin).post(
        f"/earnings/{commission.id}/dispute", data={"reason": "Another reason, long enough."}
    )
    assert response.status_code == 422
    assert "already disputed" in response.get_data(as_text=True)
    assert _disputes() == 1


def test_another_organisations_commission_is_not_found(
    app, login, other_partner, staff_user, commission
):
    response = login(other_partner).post(
        f"/earnings/{commission.id}/dispute", data={"reason": REASON}
    )
    assert response.status_code == 404
    assert (
        login(other_partner).post("/earnings/999999/dispute", data={"reason": REASON}).status_code
        == 404
    )
    assert (
        login(staff_user)
        .post(f"/earnings/{commission.id}/dispute", data={"reason": REASON})
        .status_code
        == 403
    )
    assert _disputes() == 0
    assert commission.status == "pending"


def test_partner_sees_the_answer(app, login, partner_user, staff_user, commission):
    dispute = open_dispute(commission, partner_user, REASON)
    resolve_dispute(dispute, staff_user, "The signed order says USD 100,000.")
    db.session.commit()
    html = login(partner_user).get("/earnings").get_data(as_text=True)
    assert "The signed order says USD 100,000." in html
    assert "Pending" in html and 'id="total-disputed">USD 0.00<' in html
    assert f"/earnings/{commission.id}/dispute" in html  # may dispute again
    event = timeline(commission.referral_id, partner_view=True)[-1]
    assert event.kind == EventKind.DISPUTE_RESOLVED
    assert "The signed order says USD 100,000." in event.message
    # ... and on the referral's own timeline.
    page = login(partner_user).get(f"/referrals/{commission.referral.reference}")
    assert page.status_code == 200
    assert "The signed order says USD 100,000." in page.get_data(as_text=True)


def test_user_text_is_escaped(app, login, partner_user, staff_user, commission):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    dispute = open_dispute(commission, partner_user, payload)
    db.session.commit()
    html = login(partner_user).get("/earnings").get_data(as_text=True)
    assert payload not in html
    assert "&lt;script&gt;" in html
    resolve_dispute(dispute, staff_user, payload)
    db.session.commit()
    html = login(partner_user).get("/earnings").get_data(as_text=True)
    assert payload not in html and "&lt;img src=x" in html


def test_earnings_statements_are_few_and_flat(
    app, login, partner_user, staff_user, make_referral, count_queries
):
    def statements(expected_rows: int) -> list[str]:
        client.get("/earnings")  # warm up
        with count_queries() as counter:
            response = client.get("/earnings")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('<tr id="commission-') == expected_rows
        return counter.statements

    made = [won_commission(make_referral, partner_user, staff_user) for _ in range(3)]
    open_dispute(made[0], partner_user, REASON)
    resolve_dispute(open_dispute(made[1], partner_user, REASON), staff_user, "Checked.")
    db.session.commit()
    client = login(partner_user)
    few = statements(3)
    for _ in range(27):
        commission = won_commission(make_referral, partner_user, staff_user)
        open_dispute(commission, partner_user, REASON)
    db.session.commit()
    many = statements(30)
    assert len(few) <= 12, few
    assert len(many) == len(few), many
