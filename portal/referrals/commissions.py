"""Commissions on won referrals: created from the program's rules, approved, paid, disputed.

Amounts are integers of minor units computed with Decimal (portal.referrals.commission).
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.money import format_money
from portal.referrals.commission import approvable_from, compute_commission
from portal.referrals.events import EventKind, add_event
from portal.referrals.models import Commission, CommissionStatus, Referral


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
