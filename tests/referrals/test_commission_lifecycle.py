"""The commission workflow as plain functions: amounts, approval, payout, disputes, earnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals import earnings
from portal.referrals.commission_lifecycle import (
    ALREADY_DISPUTED,
    CommissionError,
    approve,
    create_commission,
    mark_paid,
    open_dispute,
    resolve_dispute,
)
from portal.referrals.earnings import earnings_for
from portal.referrals.events import EventKind, timeline
from portal.referrals.models import Commission, CommissionDispute

WON_AT = datetime(2026, 11, 13, 15, 30, tzinfo=UTC)  # + 60 days: 12 Jan 2027


def won_commission(
    make_referral,
    user,
    staff_user,
    *,
    deal_value_minor: int = 10_000_000,
    currency: str = "USD",
    involvement: str = "sourced",
    now: datetime = WON_AT,
) -> Commission | None:
    """A referral by `user` marked won with a value, and its commission (committed)."""
    referral = make_referral(user, involvement=involvement)
    referral.status = "won"
    referral.deal_value_minor = deal_value_minor
    referral.deal_currency = currency
    referral.closed_at = now
    commission = create_commission(referral, staff_user, current_content().program, now=now)
    db.session.commit()
    return commission


def _audit(action: str) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(stmt))


def _kinds(commission: Commission) -> list[str]:
    return [e.kind for e in timeline(commission.referral_id, partner_view=True)]


# ---- Amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partner_type", "involvement", "deal", "amount", "capped"),
    [
        ("referral", "sourced", 10_000_000, 1_000_000, False),  # 10% of USD 100,000
        ("referral", "sourced", 50_000_000, 2_000_000, True),  # 10% is over the 20,000 cap
        ("referral", "sourced", 20_000_000, 2_000_000, False),  # exactly the cap
        ("referral", "influenced", 12_345, 617, False),  # 5%: 617.25 rounds down
        ("referral", "influenced", 12_350, 618, False),  # 5%: 617.5 rounds half up
        ("referral", "influenced", 12_330, 617, False),  # 5%: 616.5 rounds half up
        ("reseller", "sourced", 12_345, 2_469, False),  # 20%, no cap
        ("referral", "sourced", 5, 1, False),  # 0.5 of a cent rounds up
    ],
)
def test_commission_amounts(
    app,
    make_org,
    make_user,
    staff_user,
    make_referral,
    partner_type,
    involvement,
    deal,
    amount,
    capped,
):
    user = make_user(org=make_org(partner_type=partner_type))
    commission = won_commission(
        make_referral, user, staff_user, deal_value_minor=deal, involvement=involvement
    )
    assert commission.amount_minor == amount
    assert isinstance(commission.amount_minor, int)
    assert commission.capped is capped
    assert commission.deal_value_minor == deal
    assert commission.status == "pending"
    assert commission.approvable_from == WON_AT + timedelta(days=60)
    assert EventKind.COMMISSION_CREATED in _kinds(commission)


def test_commission_explains_its_rule(app, partner_user, staff_user, make_referral):
    commission = won_commission(
        make_referral, partner_user, staff_user, deal_value_minor=50_000_000
    )
    assert commission.explanation == (
        "10% of USD 500,000.00 for a sourced referral by a referral partner, "
        "capped at USD 20,000.00"
    )


def test_commission_refuses_another_currency(app, partner_user, staff_user, make_referral):
    with pytest.raises(ValueError, match="record the deal value in USD"):
        won_commission(make_referral, partner_user, staff_user, currency="EUR")


def test_no_rule_gives_no_commission(app, make_org, make_user, staff_user, make_referral):
    alliance = make_user(org=make_org(partner_type="alliance"))
    assert won_commission(make_referral, alliance, staff_user) is None
    reseller = make_user(org=make_org(partner_type="reseller"))
    assert won_commission(make_referral, reseller, staff_user, involvement="influenced") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commission)) == 0


# ---- Approval and payout -----------------------------------------------------------------


def test_approve_before_the_hold_is_refused_with_the_date(
    app, partner_user, staff_user, make_referral
):
    commission = won_commission(make_referral, partner_user, staff_user)
    with pytest.raises(CommissionError) as refused:
        approve(commission, staff_user, now=WON_AT + timedelta(days=59, hours=23))
    assert refused.value.message == (
        "This commission can be approved from 12 Jan 2027, after the 60-day hold."
    )
    assert commission.status == "pending"
    assert commission.approved_at is None
    assert _audit("commission.approve") == []


def test_approve_after_the_hold(app, partner_user, staff_user, make_referral):
    commission = won_commission(make_referral, partner_user, staff_user)
    approve(commission, staff_user, now=commission.approvable_from)
    db.session.commit()
    assert commission.status == "approved"
    assert commission.approved_by_id == staff_user.id
    assert commission.approved_at == commission.approvable_from
    assert _kinds(commission)[-1] == EventKind.COMMISSION_APPROVED
    [entry] = _audit("commission.approve")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        staff_user.id,
        "commission",
        str(commission.id),
    )
    assert entry.organization_id == commission.organization_id
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "approved"})
    with pytest.raises(CommissionError, match="already approved"):
        approve(commission, staff_user, now=commission.approvable_from)


def _approved(make_referral, partner_user, staff_user) -> Commission:
    commission = won_commission(make_referral, partner_user, staff_user)
    approve(commission, staff_user, now=commission.approvable_from)
    db.session.commit()
    return commission


def test_pay_needs_an_approved_commission(app, partner_user, staff_user, make_referral):
    commission = won_commission(make_referral, partner_user, staff_user)
    with pytest.raises(CommissionError, match="Approve this commission before"):
        mark_paid(commission, staff_user, "PAY-1")
    assert commission.status == "pending"
    assert commission.payout_reference == ""


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "Enter the payout reference"),
        ("   ", "Enter the payout reference"),
        ("P" * 101, "at most 100 characters"),
        ("PAY\x071", "printable"),
        ("PAY\n1", "printable"),
    ],
)
def test_pay_needs_a_reference(app, partner_user, staff_user, make_referral, reference, message):
    commission = _approved(make_referral, partner_user, staff_user)
    with pytest.raises(CommissionError, match=message):
        mark_paid(commission, staff_user, reference)
    assert commission.status == "approved"
    assert _audit("commission.pay") == []


def test_pay(app, partner_user, staff_user, make_referral):
    commission = _approved(make_referral, partner_user, staff_user)
    mark_paid(commission, staff_user, "  SEPA-2027-00042 ")
    db.session.commit()
    assert commission.status == "paid"
    assert commission.payout_reference == "SEPA-2027-00042"
    assert commission.paid_by_id == staff_user.id
    event = timeline(commission.referral_id, partner_view=True)[-1]
    assert event.kind == EventKind.COMMISSION_PAID
    assert "SEPA-2027-00042" in event.message
    [entry] = _audit("commission.pay")
    assert entry.after == {"status": "paid", "payout_reference": "SEPA-2027-00042"}
    with pytest.raises(CommissionError, match="already paid"):
        mark_paid(commission, staff_user, "SEPA-2")
    with pytest.raises(CommissionError, match="already paid"):
        approve(commission, staff_user, now=commission.approvable_from)


# ---- Disputes ----------------------------------------------------------------------------

REASON = "The deal closed at USD 120,000, not 100,000."


def test_partner_disputes_and_staff_resolve(app, partner_user, staff_user, make_referral):
    commission = _approved(make_referral, partner_user, staff_user)
    dispute = open_dispute(commission, partner_user, f"  {REASON}  ")
    db.session.commit()
    assert commission.status == "disputed"
    assert commission.status_before_dispute == "approved"
    assert dispute.reason == REASON
    assert dispute.organization_id == commission.organization_id
    assert _kinds(commission)[-1] == EventKind.DISPUTE_OPENED
    [opened] = _audit("commission.dispute")
    assert opened.actor_id == partner_user.id
    # While disputed it can be neither approved further nor paid.
    with pytest.raises(CommissionError, match="answer the dispute first"):
        mark_paid(commission, staff_user, "PAY-1")

    resolve_dispute(dispute, staff_user, "The signed order says USD 100,000; see page 2.")
    db.session.commit()
    assert commission.status == "approved"
    assert commission.status_before_dispute is None
    assert dispute.resolved_by_id == staff_user.id and dispute.resolved_at is not None
    event = timeline(commission.referral_id, partner_view=True)[-1]
    assert event.kind == EventKind.DISPUTE_RESOLVED
    assert "The signed order says USD 100,000; see page 2." in event.message
    [resolved] = _audit("commission.resolve_dispute")
    assert resolved.before == {"status": "disputed"}
    assert resolved.after["status"] == "approved"
    with pytest.raises(CommissionError, match="already been answered"):
        resolve_dispute(dispute, staff_user, "Again.")


def test_paid_commissions_can_be_disputed_and_return_to_paid(
    app, partner_user, staff_user, make_referral
):
    commission = _approved(make_referral, partner_user, staff_user)
    mark_paid(commission, staff_user, "PAY-1")
    dispute = open_dispute(commission, partner_user, REASON)
    resolve_dispute(dispute, staff_user, "Paid as agreed.")
    db.session.commit()
    assert commission.status == "paid"
    assert commission.payout_reference == "PAY-1"


def test_second_dispute_is_refused(app, partner_user, partner_admin, staff_user, make_referral):
    commission = won_commission(make_referral, partner_user, staff_user)
    open_dispute(commission, partner_user, REASON)
    db.session.commit()
    with pytest.raises(CommissionError) as refused:
        open_dispute(commission, partner_admin, "Another reason, long enough.")
    assert refused.value.message == ALREADY_DISPUTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommissionDispute)) == 1


def test_the_database_refuses_a_second_open_dispute(
    app, partner_user, partner_admin, staff_user, make_referral
):
    """A dispute opened by another request since we loaded the commission: the index decides."""
    commission = won_commission(make_referral, partner_user, staff_user)
    db.session.add(
        CommissionDispute(
            commission_id=commission.id,
            organization_id=commission.organization_id,
            opened_by_id=partner_admin.id,
            reason="Opened by a simultaneous request.",
        )
    )
    db.session.commit()
    assert commission.status == "pending"  # as our request saw it
    with pytest.raises(CommissionError) as refused:
        open_dispute(commission, partner_user, REASON)
    assert refused.value.message == ALREADY_DISPUTED
    db.session.commit()  # the session is still usable: the savepoint was rolled back
    assert commission.status == "pending"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommissionDispute)) == 1
    assert _audit("commission.dispute") == []


def test_only_partners_of_the_organisation_may_dispute(
    app, partner_user, other_partner, staff_user, make_referral
):
    commission = won_commission(make_referral, partner_user, staff_user)
    for user in (other_partner, staff_user):
        with pytest.raises(CommissionError, match="organisation's partners"):
            open_dispute(commission, user, REASON)
    assert commission.status == "pending"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Tell us what is wrong with this commission."),
        ("   \n ", "Tell us what is wrong with this commission."),
        ("Too low", "at least 10 characters"),
        ("x" * 2001, "2000 characters or fewer"),
    ],
)
def test_dispute_reason_is_checked(app, partner_user, staff_user, make_referral, reason, message):
    commission = won_commission(make_referral, partner_user, staff_user)
    with pytest.raises(CommissionError, match=message):
        open_dispute(commission, partner_user, reason)
    assert commission.status == "pending"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommissionDispute)) == 0


@pytest.mark.parametrize(
    ("answer", "message"), [("", "Write the answer"), ("a" * 2001, "2000 characters or fewer")]
)
def test_dispute_answer_is_required(app, partner_user, staff_user, make_referral, answer, message):
    commission = won_commission(make_referral, partner_user, staff_user)
    dispute = open_dispute(commission, partner_user, REASON)
    db.session.commit()
    with pytest.raises(CommissionError, match=message):
        resolve_dispute(dispute, staff_user, answer)
    assert commission.status == "disputed" and dispute.resolved_at is None


# ---- Reading -----------------------------------------------------------------------------


def test_earnings_totals_per_status(
    app, partner_user, other_partner, staff_user, make_referral, count_queries
):
    pending = won_commission(make_referral, partner_user, staff_user, deal_value_minor=1_000_000)
    approved = _approved(make_referral, partner_user, staff_user)
    paid = _approved(make_referral, partner_user, staff_user)
    mark_paid(paid, staff_user, "PAY-1")
    disputed = won_commission(make_referral, partner_user, staff_user, deal_value_minor=2_000_005)
    dispute = open_dispute(disputed, partner_user, REASON)
    answered = won_commission(make_referral, partner_user, staff_user, deal_value_minor=30_000)
    old = open_dispute(answered, partner_user, REASON)
    resolve_dispute(old, staff_user, "Checked, it is right.")
    won_commission(make_referral, other_partner, staff_user)  # another organisation's
    db.session.commit()

    with count_queries() as counter:
        earnings = earnings_for(partner_user.organization_id)
    assert counter.count <= 3
    assert [r.commission.id for r in earnings.rows] == [
        answered.id,
        disputed.id,
        paid.id,
        approved.id,
        pending.id,
    ]
    assert earnings.totals == {
        "pending": {"USD": 100_000 + 3_000},
        "approved": {"USD": 1_000_000},
        "paid": {"USD": 1_000_000},
        "disputed": {"USD": 200_001},  # 10% of 20,000.05 rounds half up
    }
    assert earnings.total("pending", "USD") == "USD 1,030.00"
    assert earnings.total("disputed", "USD") == "USD 2,000.01"
    row = earnings.row(disputed.id)
    assert row.open_dispute.id == dispute.id and row.last_answered is None
    assert row.reference == disputed.referral.reference
    assert earnings.row(answered.id).last_answered.answer == "Checked, it is right."
    assert earnings.row(answered.id).open_dispute is None


def test_earnings_of_an_organisation_without_commissions(app, partner_org):
    earnings = earnings_for(partner_org.id)
    assert earnings.rows == []
    assert earnings.total("paid", "USD") == "USD 0.00"


def test_staff_list_pages_by_keyset(app, partner_user, other_partner, staff_user, make_referral):
    made = [
        won_commission(make_referral, user, staff_user)
        for user in (partner_user, other_partner, partner_user, other_partner, partner_user)
    ]
    approve(made[1], staff_user, now=made[1].approvable_from)
    db.session.commit()

    seen, cursor = [], None
    while True:
        page = earnings.commissions_for_staff(None, cursor, per_page=2)
        seen.extend(r.commission.id for r in page.rows)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted((c.id for c in made), reverse=True)  # all, newest first

    first = earnings.commissions_for_staff("pending", None, per_page=2)
    assert [r.commission.id for r in first.rows] == [made[0].id, made[2].id]  # oldest first
    rest = earnings.commissions_for_staff("pending", first.next_cursor, per_page=2)
    assert [r.commission.id for r in rest.rows] == [made[3].id, made[4].id]
    assert rest.next_cursor is None
    [row] = earnings.commissions_for_staff("approved", None).rows
    assert row.organization_name == "Globex Resellers"
    assert row.open_dispute is None
