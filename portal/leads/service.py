"""A lead's life: entered, checked for channel conflict, routed, accepted or declined, worked.

Every function adds to the session and never commits (the view or the job commits once);
every staff action and every partner decision is audited (portal/admin/audit_actions.py words
them). The rules of routing itself are in routing.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, Role, User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.extensions import db
from portal.leads import routing
from portal.leads.intake import LeadInput
from portal.leads.models import (
    OPEN_STAGES,
    STAGES,
    Lead,
    LeadOffer,
    LeadSource,
    LeadStatus,
    OfferOutcome,
)
from portal.notify.outbox import queue_email
from portal.referrals.api import as_utc, company_conflict


class LeadError(ValueError):
    """An action the lead's state does not allow (shown to the person who tried it)."""


ROUTABLE = (LeadStatus.NEW, LeadStatus.UNROUTED, LeadStatus.CONFLICT)


def create_lead(
    data: LeadInput,
    source: LeadSource,
    actor: User | None,
    now: datetime,
    named_partner_id: int | None = None,
) -> Lead:
    """Add a lead (already cleaned by intake.clean); staff-entered leads are audited."""
    lead = Lead(
        company=data.company, website=data.website, contact_name=data.contact_name,
        contact_email=data.contact_email, contact_phone=data.contact_phone,
        country=data.country, region=data.region, industry=data.industry, size=data.size,
        need=data.need, source=source, status=LeadStatus.NEW, named_partner_id=named_partner_id,
        created_by_id=actor.id if actor else None, created_at=now, status_changed_at=now,
    )  # fmt: skip
    db.session.add(lead)
    db.session.flush()
    if actor is not None:
        record_audit(actor, "lead.created", "lead", lead.id, after={"source": str(source)})
    return lead


def conflict_of(lead: Lead, now: datetime) -> str:
    """Why the lead's company is not free (a partner's registration, a customer), or ""."""
    found = company_conflict(lead.website, lead.contact_email, lead.company, now)
    if found is None:
        return ""
    if found.kind == "customer":
        return "The company is on the customer list."
    holder = db.session.get(Organization, found.organization_id)
    return f"The company is registered by {holder.name if holder else 'another partner'}."


def route_lead(
    lead: Lead,
    program: Program,
    now: datetime,
    actor: User | None = None,
    override_conflict: bool = False,
) -> Lead:
    """Check the lead for channel conflict, then offer it to the partner the rules choose.

    A conflict flags the lead for staff instead (never sent blind); staff may route it anyway
    (`override_conflict`). No eligible partner with room leaves it `unrouted`, with the reason.
    """
    now = as_utc(now, "now")
    if lead.status not in ROUTABLE:
        raise LeadError(f"lead is {lead.status_name.lower()}, it cannot be routed")
    if not override_conflict:
        reason = conflict_of(lead, now)
        if reason:
            _set_status(lead, LeadStatus.CONFLICT, now)
            lead.conflict_reason = reason[:300]
            record_audit(actor, "lead.flagged", "lead", lead.id, after={"reason": reason})
            return lead
    if lead.named_partner_id is not None and not _was_offered(lead, lead.named_partner_id):
        offer(lead, lead.named_partner_id, program, now, "Asked for by name in the directory.",
              by_rules=False, actor=actor)  # fmt: skip
        return lead
    rules = program.leads.routing
    period = routing.period_of(now, rules.cap_period)
    for candidate in routing.ordered(routing.candidates(lead, program, period), program):
        if routing.take_slot(candidate.organization_id, period, rules.cap, now):
            reason = routing.explain(lead, candidate, program)
            offer(lead, candidate.organization_id, program, now, reason, True, actor)
            return lead
    _set_status(lead, LeadStatus.UNROUTED, now)
    lead.partner_id = None
    lead.routing_reason = "No eligible partner with room in its cap."
    record_audit(actor, "lead.unrouted", "lead", lead.id)
    return lead


def offer(
    lead: Lead,
    organization_id: int,
    program: Program,
    now: datetime,
    reason: str,
    by_rules: bool,
    actor: User | None,
) -> LeadOffer:
    """Offer the lead to one partner: the offer row, the acceptance clock, the admins' e-mail."""
    entry = LeadOffer(
        lead_id=lead.id, organization_id=organization_id, offered_at=now, by_rules=by_rules,
        assigned_by_id=None if by_rules or actor is None else actor.id, reason=reason[:500],
    )  # fmt: skip
    db.session.add(entry)
    _set_status(lead, LeadStatus.OFFERED, now)
    lead.partner_id = organization_id
    lead.offered_at = now
    lead.accept_due_at = now + timedelta(hours=program.leads.accept_hours)
    lead.routing_reason = reason[:500]
    lead.conflict_reason = ""
    action = "lead.routed" if by_rules else "lead.assigned"
    record_audit(actor, action, "lead", lead.id, organization_id,
                 after={"partner_id": organization_id, "reason": reason})  # fmt: skip
    for address in admin_emails(organization_id):
        queue_email(address, "lead_offered", f"A new lead for you: {lead.company}", lead=lead,
                    accept_hours=program.leads.accept_hours)  # fmt: skip
    return entry


def assign_by_hand(
    lead: Lead, organization_id: int, program: Program, actor: User, now: datetime
) -> LeadOffer:
    """Staff offer the lead to a partner they choose (no cap slot is taken: staff decide)."""
    _lock(lead)
    org = db.session.get(Organization, organization_id)
    if org is None or org.status != "active":
        raise LeadError("choose an active partner organisation")
    if lead.status not in (*ROUTABLE, LeadStatus.OFFERED):
        raise LeadError(f"lead is {lead.status_name.lower()}, it cannot be reassigned")
    current = _open_offer(lead)
    if current is not None:
        current.outcome = OfferOutcome.WITHDRAWN
        current.decided_at = now
    return offer(lead, organization_id, program, now, f"Assigned by hand by {actor.display_name}.",
                 False, actor)  # fmt: skip


def accept(lead: Lead, user: User, now: datetime) -> None:
    """The assigned partner takes the lead: it becomes the partner's opportunity."""
    _lock(lead)
    current = _offer_for(lead, user)
    due = lead.accept_due_at
    if due is not None and as_utc(due) <= now:
        raise LeadError("the time to accept this lead is over; it goes to another partner")
    current.outcome = OfferOutcome.ACCEPTED
    current.decided_at = now
    _set_status(lead, LeadStatus.ACCEPTED, now)
    lead.accepted_at = now
    record_audit(user, "lead.accepted", "lead", lead.id, lead.partner_id)


def decline(lead: Lead, user: User, reason: str, program: Program, now: datetime) -> None:
    """The assigned partner declines with a reason; the lead goes to the next eligible partner."""
    if not reason.strip():
        raise LeadError("say why you decline the lead")
    _lock(lead)
    current = _offer_for(lead, user)
    current.outcome = OfferOutcome.DECLINED
    current.decided_at = now
    current.decline_reason = reason.strip()[:500]
    record_audit(user, "lead.declined", "lead", lead.id, lead.partner_id,
                 after={"reason": current.decline_reason})  # fmt: skip
    _set_status(lead, LeadStatus.NEW, now)
    lead.partner_id = None
    route_lead(lead, program, now)  # checked for conflict again: a partner may have registered it


def lapse(lead: Lead, program: Program, now: datetime) -> bool:
    """An offer past its acceptance window returns; the lead goes to the next partner.

    False (nothing done) when the lead is no longer an overdue offer: the job is idempotent.
    """
    due = lead.accept_due_at
    if lead.status != LeadStatus.OFFERED or due is None or as_utc(due) > now:
        return False
    current = _open_offer(lead)
    if current is not None:
        current.outcome = OfferOutcome.LAPSED
        current.decided_at = now
    record_audit(None, "lead.lapsed", "lead", lead.id, lead.partner_id)
    _set_status(lead, LeadStatus.NEW, now)
    lead.partner_id = None
    route_lead(lead, program, now)  # checked for conflict again: a partner may have registered it
    return True


def advance(lead: Lead, user: User, stage: str, lost_reason: str, now: datetime) -> None:
    """The partner moves its opportunity on: contacted, meeting held, proposal, won or lost."""
    _lock(lead)
    if lead.status not in OPEN_STAGES or lead.partner_id != user.organization_id:
        raise LeadError("this lead is not an open opportunity of yours")
    if stage not in STAGES or STAGES.index(LeadStatus(stage)) <= STAGES.index(
        LeadStatus(lead.status)
    ):
        raise LeadError("choose a later stage")
    if stage == LeadStatus.LOST and not lost_reason.strip():
        raise LeadError("say why the opportunity was lost")
    before = lead.status
    _set_status(lead, LeadStatus(stage), now)
    lead.lost_reason = lost_reason.strip()[:500] if stage == LeadStatus.LOST else ""
    record_audit(user, "lead.stage_changed", "lead", lead.id, lead.partner_id,
                 before={"status": before}, after={"status": stage})  # fmt: skip


def admin_emails(organization_id: int) -> list[str]:
    """Where a partner's lead e-mails go: its active partner admins."""
    return list(
        db.session.scalars(
            sa.select(User.email).where(
                User.organization_id == organization_id,
                User.role == Role.PARTNER_ADMIN,
                User.active.is_(True),
            )
        )
    )


def _lock(lead: Lead) -> None:
    """Hold the lead's row and re-read it before a decision: the lapse job, staff and the
    partner's other admins may have moved it on since the page loaded it (on SQLite, whose
    writers are serialised, only the re-read matters)."""
    db.session.execute(
        sa.select(Lead)
        .where(Lead.id == lead.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()  # fetched: rows refresh the loaded lead only as they are read


def _set_status(lead: Lead, status: LeadStatus, now: datetime) -> None:
    lead.status = status
    lead.status_changed_at = now


def _open_offer(lead: Lead) -> LeadOffer | None:
    return db.session.scalar(
        sa.select(LeadOffer).where(
            LeadOffer.lead_id == lead.id, LeadOffer.outcome == OfferOutcome.OFFERED
        )
    )


def _offer_for(lead: Lead, user: User) -> LeadOffer:
    current = _open_offer(lead)
    if lead.status != LeadStatus.OFFERED or current is None:
        raise LeadError("this lead is no longer waiting for your answer")
    if current.organization_id != user.organization_id:
        raise LeadError("this lead is not offered to your organisation")
    return current


def _was_offered(lead: Lead, organization_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(LeadOffer.id).where(
                LeadOffer.lead_id == lead.id, LeadOffer.organization_id == organization_id
            )
        )
        is not None
    )
