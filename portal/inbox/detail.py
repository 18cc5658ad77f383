"""What the staff page of one referral shows, read in a fixed number of statements.

The referral with its organisation, submitter and owner, the full timeline (internal notes
included) with each event's actor, the conflict candidates, the customer-list check, the
commission, the partner's onboarding state and the SLA clocks: the number of statements does
not grow with the number of events or candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import Organization
from portal.content.model import ContentIndex, Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.onboarding.api import ChecklistState, checklist_for
from portal.referrals.api import (
    SlaClock,
    clock,
    is_customer,
    parse_reference,
    sla_time_between,
    span_text,
    stale_due,
)
from portal.referrals.models import Commission, Referral, ReferralEvent

__all__ = [
    "CANDIDATE_LIMIT",
    "Candidate",
    "ReferralDetail",
    "SlaClocks",
    "age_text",
    "conflict_candidates",
    "referral_by_reference",
    "referral_detail",
    "sla_clocks",
    "staff_timeline",
]

CANDIDATE_LIMIT = 10


@dataclass(frozen=True)
class Candidate:
    """Another referral for the same company (same domain, or same name without a domain)."""

    referral: Referral
    organization_name: str
    is_conflict_holder: bool  # the earlier registration this referral collided with


@dataclass(frozen=True)
class SlaClocks:
    """The referral's two clocks read at one moment; None where a clock does not run.

    `first_response` runs until the first partner-visible staff event; `stale` runs while
    the referral is open (no partner-visible update for the program's N days).
    """

    first_response: SlaClock | None
    first_responded_at: datetime | None
    first_response_late: bool
    stale: SlaClock | None
    # How long the first response took on the SLA's clock, in words: "3 h 10 min of business
    # hours" on the program's calendar, "3 h 10 min" of elapsed time without one; "" until then.
    first_response_took: str = ""


@dataclass(frozen=True)
class ReferralDetail:
    referral: Referral
    events: list[ReferralEvent]
    candidates: list[Candidate]
    on_customer_list: bool
    commission: Commission | None
    checklist: ChecklistState
    clocks: SlaClocks


def referral_by_reference(reference: str) -> Referral | None:
    """The referral (any organisation: staff only) with its organisation, submitter, owner."""
    referral_id = parse_reference(reference)
    if referral_id is None:
        return None
    return db.session.scalar(
        sa.select(Referral)
        .where(Referral.id == referral_id)
        .options(
            joinedload(Referral.organization),
            joinedload(Referral.submitted_by),
            joinedload(Referral.owner),
        )
    )


def staff_timeline(referral_id: int) -> list[ReferralEvent]:
    """Every event of the referral, oldest first, internal ones included, actors loaded."""
    return list(
        db.session.scalars(
            sa.select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
            .options(joinedload(ReferralEvent.actor))
            .order_by(ReferralEvent.id)
        )
    )


def conflict_candidates(referral: Referral, limit: int = CANDIDATE_LIMIT) -> list[Candidate]:
    """Other referrals for the same company from any organisation, newest first."""
    if referral.company_domain:
        same_company = Referral.company_domain == referral.company_domain
    elif referral.company_name_key:
        same_company = Referral.company_name_key == referral.company_name_key
    else:
        return []
    rows = db.session.execute(
        sa.select(Referral, Organization.name)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(same_company, Referral.id != referral.id)
        .order_by(Referral.id.desc())
        .limit(limit)
    ).all()
    return [Candidate(other, name, other.id == referral.conflict_with_id) for other, name in rows]


def sla_clocks(referral: Referral, program: Program, now: datetime) -> SlaClocks:
    """Both SLA clocks of the referral at `now`."""
    responded = referral.first_responded_at
    first = None
    if referral.is_open and responded is None:
        first = clock(referral.first_response_due_at, now)
    stale = None
    if referral.is_open:
        stale = clock(stale_due(referral.last_partner_update_at, program), now)
    return SlaClocks(
        first_response=first,
        first_responded_at=responded,
        first_response_late=responded is not None and responded > referral.first_response_due_at,
        stale=stale,
        first_response_took=_took(referral.submitted_at, responded, program),
    )


def _took(submitted_at: datetime, responded: datetime | None, program: Program) -> str:
    if responded is None:
        return ""
    took = span_text(sla_time_between(submitted_at, responded, program))
    return f"{took} of business hours" if program.business_hours is not None else took


def referral_detail(
    referral: Referral, content: ContentIndex, now: datetime | None = None
) -> ReferralDetail:
    """Everything the staff page shows about the referral (about eight statements)."""
    now = now or utcnow()
    commission = db.session.scalar(
        sa.select(Commission).where(Commission.referral_id == referral.id)
    )
    return ReferralDetail(
        referral=referral,
        events=staff_timeline(referral.id),
        candidates=conflict_candidates(referral),
        on_customer_list=is_customer(referral.company_domain),
        commission=commission,
        checklist=checklist_for(referral.organization, content),
        clocks=sla_clocks(referral, content.program, now),
    )


def age_text(age: timedelta) -> str:
    """How long ago, in its largest unit: "3 d", "5 h", "12 min", "just now"."""
    minutes = max(0, int(age.total_seconds()) // 60)
    if minutes >= 24 * 60:
        return f"{minutes // (24 * 60)} d"
    if minutes >= 60:
        return f"{minutes // 60} h"
    return f"{minutes} min" if minutes else "just now"
