"""How a referral ends: its deal value, won (with its commission) or lost.

Plain functions, as every staff action on a referral (see action_checks.py): they check,
record on the timeline, audit, and never commit; the caller holds the referral's row lock
(`lock_referral`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.money import format_money
from portal.referrals import registration
from portal.referrals.action_checks import (
    REASON_MAX,
    UNACCEPTED,
    ActionError,
    audit_referral,
    clean_text,
    require_open,
)
from portal.referrals.commission_lifecycle import create_commission
from portal.referrals.events import EventKind, add_event, refresh_clocks
from portal.referrals.models import Commission, Referral, ReferralEvent, ReferralStatus


def record_value(
    referral: Referral,
    actor: User,
    amount_minor: int,
    currency: str,
    program: Program,
    now: datetime | None = None,
) -> ReferralEvent:
    """Record the deal value (internal) in the program currency, in minor units."""
    require_open(actor, referral)
    currency = _check_value(amount_minor, currency, program)
    before = {
        "deal_value_minor": referral.deal_value_minor,
        "deal_currency": referral.deal_currency,
    }
    referral.deal_value_minor = amount_minor
    referral.deal_currency = currency
    event = add_event(
        referral,
        EventKind.VALUE_RECORDED,
        actor,
        message=f"Deal value: {format_money(amount_minor, currency)}.",
        program=program,
        now=now,
    )
    audit_referral(
        actor,
        "record_value",
        referral,
        before,
        {"deal_value_minor": amount_minor, "deal_currency": currency},
    )
    return event


def mark_won(
    referral: Referral,
    actor: User,
    amount_minor: int | None,
    currency: str | None,
    program: Program,
    now: datetime | None = None,
    *,
    reason: str = "",
) -> Commission | None:
    """Close the referral as won and compute its commission (None when no rule applies).

    The deal value is the one given here, else the one recorded earlier; one is required.
    """
    require_open(actor, referral)
    if referral.status in UNACCEPTED:
        raise ActionError("Accept the referral before marking it won.")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ActionError(f"Keep the note to {REASON_MAX} characters.", field="reason")
    if amount_minor is None:
        if referral.deal_value_minor is None or referral.deal_currency is None:
            raise ActionError("Enter the deal value to mark the referral won.", field="amount")
        amount_minor, currency = referral.deal_value_minor, referral.deal_currency
    currency = _check_value(amount_minor, currency or program.currency, program)
    now = now or utcnow()
    before = _closing_state(referral)
    referral.deal_value_minor = amount_minor
    referral.deal_currency = currency
    close_referral(
        referral, actor, ReferralStatus.WON, EventKind.WON, reason, program, now, audit=None
    )
    try:
        commission = create_commission(referral, actor, program, now)
    except ValueError as refused:  # pragma: no cover - the currency was checked above
        raise ActionError(str(refused), field="currency") from refused
    after = _closing_state(referral)
    after["commission_minor"] = commission.amount_minor if commission else None
    audit_referral(actor, "mark_won", referral, before, after)
    return commission


def mark_lost(
    referral: Referral, actor: User, reason: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Close an accepted referral as lost; the partner sees the reason."""
    require_open(actor, referral)
    if referral.status in UNACCEPTED:
        raise ActionError("This referral was not accepted: reject it with a reason instead.")
    reason = clean_text(reason, REASON_MAX, "Give a reason the partner will see.", "reason")
    return close_referral(
        referral,
        actor,
        ReferralStatus.LOST,
        EventKind.LOST,
        reason,
        program,
        now,
        audit="mark_lost",
    )


def close_referral(
    referral: Referral,
    actor: User,
    status: ReferralStatus,
    kind: EventKind,
    reason: str,
    program: Program,
    now: datetime | None,
    *,
    audit: str | None,
) -> ReferralEvent:
    """Close the referral: status, closed_at, reason, registration released, clocks stopped.

    `audit` is the action name to audit under, or None when the caller audits.
    """
    now = now or utcnow()
    before = _closing_state(referral)
    from_status = referral.status
    referral.status = status
    referral.closed_at = now
    referral.close_reason = reason
    registration.release(referral)
    if status == ReferralStatus.WON and referral.company_domain:
        # A won company is a customer now: later referrals for it go to staff as conflicts.
        registration.add_customer_domain(referral.company_domain, referral.company_name, actor.id)
    event = add_event(
        referral,
        kind,
        actor,
        message=reason,
        from_status=from_status,
        to_status=status,
        program=program,
        now=now,
    )
    refresh_clocks(referral, program)
    if audit is not None:
        audit_referral(actor, audit, referral, before, _closing_state(referral))
    return event


def _closing_state(referral: Referral) -> dict[str, Any]:
    return {
        "status": referral.status,
        "close_reason": referral.close_reason,
        "closed_at": referral.closed_at,
        "deal_value_minor": referral.deal_value_minor,
        "deal_currency": referral.deal_currency,
    }


def _check_value(amount_minor: int, currency: str, program: Program) -> str:
    code = (currency or "").strip().upper()
    if code != program.currency:
        raise ActionError(
            f"Deal values are recorded in the program currency, {program.currency}.",
            field="currency",
        )
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ActionError("Enter a deal value above zero.", field="amount")
    return code
