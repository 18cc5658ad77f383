"""A commission's life: created on a won referral, approved, paid, disputed, answered.

The amount comes from commission_calculation.py (integers of minor units, Decimal). Each change
is a plain function that never commits: it raises CommissionError (nothing changed) for an
impossible transition or bad input, adds a partner-visible event to the referral's timeline
and an audit entry. Reading commissions (the partner's earnings, the staff list, row locks) is
earnings.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.money import format_money
from portal.notify.outbox import queue_email
from portal.referrals.announce import announce_commission
from portal.referrals.commission_calculation import approvable_from, compute_commission
from portal.referrals.events import EventKind, add_event
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    CommissionStatus,
    Referral,
)


def create_commission(
    referral: Referral, actor: User | None, program: Program, now: datetime | None = None
) -> Commission | None:
    """The commission on a referral just marked won with a value; None when no rule applies.

    Raises ValueError when the deal value is not in the program currency (no exchange rates).
    Adds a partner-visible event with the amount and the rule in plain words; no commit.
    """
    if referral.deal_value_minor is None or referral.deal_currency is None:
        raise ValueError("a won referral needs a deal value before its commission is computed")
    now = now or utcnow()
    partner_type = referral.organization.partner_type
    quote = compute_commission(
        program,
        partner_type,
        referral.involvement,
        referral.deal_value_minor,
        referral.deal_currency,
    )
    if quote is None:
        return None
    commission = Commission(
        referral_id=referral.id,
        organization_id=referral.organization_id,
        amount_minor=quote.amount_minor,
        currency=quote.currency,
        deal_value_minor=referral.deal_value_minor,
        rate_percent=str(quote.rate_percent),
        capped=quote.capped,
        partner_type=partner_type,
        involvement=referral.involvement,
        explanation=quote.explanation[:400],
        status=CommissionStatus.PENDING,
        created_at=now,
        approvable_from=approvable_from(now, program),
    )
    db.session.add(commission)
    add_event(
        referral,
        EventKind.COMMISSION_CREATED,
        actor,
        message=(
            f"Commission of {format_money(quote.amount_minor, quote.currency)}: "
            f"{quote.explanation}. It can be approved from "
            f"{commission.approvable_from:%d %b %Y}, after the hold period."
        ),
        program=program,
        now=now,
    )
    return commission


class CommissionError(Exception):
    """An impossible commission transition or bad input, with a message for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


REASON_MIN, REASON_MAX = 10, 2000
ANSWER_MAX = 2000
PAYOUT_REFERENCE_MAX = 100
ALREADY_DISPUTED = (
    "This commission is already disputed; the partner team will answer the open dispute."
)


# Staff work these oldest first; paid ones and the unfiltered list read newest first.
def amount_text(commission: Commission) -> str:
    """The commission's amount as partners read it: USD 1,500.00."""
    return format_money(commission.amount_minor, commission.currency)


def _hold_days(commission: Commission) -> int:
    return (commission.approvable_from - commission.created_at).days


def approve(commission: Commission, actor: User, now: datetime | None = None) -> None:
    """Approve a pending commission once its hold period is over; no commit."""
    now = now or utcnow()
    if commission.status != CommissionStatus.PENDING:
        raise _wrong_state(commission)
    if not commission.is_approvable(now):
        raise CommissionError(
            f"This commission can be approved from {commission.approvable_from:%d %b %Y}, "
            f"after the {_hold_days(commission)}-day hold."
        )
    commission.status = CommissionStatus.APPROVED
    commission.approved_at = now
    commission.approved_by_id = actor.id
    add_event(
        commission.referral,
        EventKind.COMMISSION_APPROVED,
        actor,
        message=f"Your commission of {amount_text(commission)} was approved for payout.",
        now=now,
    )
    _audit(actor, "approve", commission, {"status": "pending"}, {"status": "approved"})
    announce_commission("commission.approved", commission)


def _wrong_state(commission: Commission) -> CommissionError:
    if commission.status == CommissionStatus.DISPUTED:
        return CommissionError("This commission is disputed: answer the dispute first.")
    if commission.status == CommissionStatus.PENDING:
        return CommissionError("Approve this commission before marking it paid.")
    return CommissionError(f"This commission is already {commission.status}.")


def mark_paid(
    commission: Commission, actor: User, payout_reference: str, now: datetime | None = None
) -> None:
    """Record the payout of an approved commission with its payout reference; no commit."""
    now = now or utcnow()
    if commission.status != CommissionStatus.APPROVED:
        raise _wrong_state(commission)
    reference = check_payout_reference(payout_reference)
    commission.status = CommissionStatus.PAID
    commission.paid_at = now
    commission.paid_by_id = actor.id
    commission.payout_reference = reference
    add_event(
        commission.referral,
        EventKind.COMMISSION_PAID,
        actor,
        message=(
            f"Your commission of {amount_text(commission)} was paid (payout reference {reference})."
        ),
        now=now,
    )
    _audit(
        actor,
        "pay",
        commission,
        {"status": "approved"},
        {"status": "paid", "payout_reference": reference},
    )
    announce_commission("commission.paid", commission)


def check_payout_reference(value: str | None) -> str:
    """The payout reference, trimmed: 1 to 100 printable characters, else CommissionError."""
    reference = (value or "").strip()
    if not reference:
        raise CommissionError("Enter the payout reference from the payment.")
    if len(reference) > PAYOUT_REFERENCE_MAX:
        raise CommissionError(
            f"The payout reference is at most {PAYOUT_REFERENCE_MAX} characters long."
        )
    if not reference.isprintable():
        raise CommissionError("The payout reference may only contain printable characters.")
    return reference


def check_reason(value: str | None) -> str:
    """A dispute reason, trimmed: 10 to 2000 characters, else CommissionError."""
    reason = (value or "").strip()
    if len(reason) < REASON_MIN:
        raise CommissionError(
            f"Tell us what is wrong in at least {REASON_MIN} characters."
            if reason
            else "Tell us what is wrong with this commission."
        )
    if len(reason) > REASON_MAX:
        raise CommissionError(f"Keep the reason to {REASON_MAX} characters or fewer.")
    return reason


def check_answer(value: str | None) -> str:
    """A dispute answer, trimmed: required, at most 2000 characters, else CommissionError."""
    answer = (value or "").strip()
    if not answer:
        raise CommissionError("Write the answer the partner will read.")
    if len(answer) > ANSWER_MAX:
        raise CommissionError(f"Keep the answer to {ANSWER_MAX} characters or fewer.")
    return answer


def open_dispute(
    commission: Commission, user: User, reason: str, now: datetime | None = None
) -> CommissionDispute:
    """A partner of the commission's organisation disputes it; no commit.

    One open dispute per commission is decided by the database (a unique partial index): a
    second, simultaneous dispute fails inside a savepoint and is reported, not raised.
    """
    now = now or utcnow()
    if not user.is_partner or user.organization_id != commission.organization_id:
        raise CommissionError("Only the organisation's partners can dispute this commission.")
    reason = check_reason(reason)
    if commission.status == CommissionStatus.DISPUTED:
        raise CommissionError(ALREADY_DISPUTED)
    dispute = CommissionDispute(
        commission_id=commission.id,
        organization_id=commission.organization_id,
        opened_by_id=user.id,
        reason=reason,
        opened_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(dispute)
    except sa.exc.IntegrityError:  # another dispute was opened since we looked
        raise CommissionError(ALREADY_DISPUTED) from None
    before = commission.status
    commission.status_before_dispute = before
    commission.status = CommissionStatus.DISPUTED
    add_event(
        commission.referral,
        EventKind.DISPUTE_OPENED,
        user,
        message=f"Commission of {amount_text(commission)} disputed: {reason}",
        now=now,
    )
    _audit(user, "dispute", commission, {"status": before}, {"status": "disputed"})
    queue_email(
        current_app.config["PARTNER_TEAM_EMAIL"],
        "commission_disputed",
        f"Commission disputed on {commission.referral.reference}",
        commission=commission,
        referral=commission.referral,
        amount=amount_text(commission),
        reason=reason,
        organization_name=user.organization.name if user.organization else "",
    )
    return dispute


def resolve_dispute(
    dispute: CommissionDispute, actor: User, answer: str, now: datetime | None = None
) -> None:
    """Staff answer a dispute; the commission returns to its status before it; no commit."""
    now = now or utcnow()
    answer = check_answer(answer)
    if dispute.resolved_at is not None:
        raise CommissionError("This dispute has already been answered.")
    commission = db.session.get(Commission, dispute.commission_id)
    if commission is None or commission.status != CommissionStatus.DISPUTED:
        raise CommissionError("This commission is not disputed any more.")
    restored = commission.status_before_dispute or CommissionStatus.PENDING
    commission.status = restored
    commission.status_before_dispute = None
    dispute.answer = answer
    dispute.resolved_at = now
    dispute.resolved_by_id = actor.id
    add_event(
        commission.referral,
        EventKind.DISPUTE_RESOLVED,
        actor,
        message=f"Answer to your dispute: {answer} (the commission is {restored} again)",
        now=now,
    )
    _audit(
        actor,
        "resolve_dispute",
        commission,
        {"status": "disputed"},
        {"status": restored, "dispute_id": dispute.id, "answer": answer},
    )


def _audit(actor: User, action: str, commission: Commission, before: dict, after: dict) -> None:
    record_audit(
        actor,
        f"commission.{action}",
        "commission",
        commission.id,
        organization_id=commission.organization_id,
        before=before,
        after=after,
    )
