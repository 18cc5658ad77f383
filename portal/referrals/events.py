"""The referral timeline: adding events, keeping the SLA clocks current, telling the partner.

Every change to a referral goes through `add_event`, so the timeline, the clocks, the
partner's e-mails and the webhooks (`announce.py`) can never disagree. Internal events (notes,
assignment, value records) never reach the partner: not on a page, not in an e-mail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.content.model import Program
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.referrals.announce import announce_event
from portal.referrals.models import Referral, ReferralEvent
from portal.referrals.sla import stale_due


class EventKind(StrEnum):
    # Partner-visible
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    STAGE_CHANGED = "stage_changed"
    UPDATE = "update"  # a message from the partner team
    WON = "won"
    LOST = "lost"
    REGISTRATION_CONTESTED = "registration_contested"  # another referral was accepted
    COMMISSION_CREATED = "commission_created"
    COMMISSION_APPROVED = "commission_approved"
    COMMISSION_PAID = "commission_paid"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_RESOLVED = "dispute_resolved"
    # Internal
    NOTE = "note"
    ASSIGNED = "assigned"
    VALUE_RECORDED = "value_recorded"


PARTNER_VISIBLE: frozenset[str] = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
        EventKind.REJECTED,
        EventKind.STAGE_CHANGED,
        EventKind.UPDATE,
        EventKind.WON,
        EventKind.LOST,
        EventKind.REGISTRATION_CONTESTED,
        EventKind.COMMISSION_CREATED,
        EventKind.COMMISSION_APPROVED,
        EventKind.COMMISSION_PAID,
        EventKind.DISPUTE_OPENED,
        EventKind.DISPUTE_RESOLVED,
    }
)

# What the partner reads on the timeline and in the e-mail subject.
EVENT_TITLES: dict[str, str] = {
    EventKind.SUBMITTED: "Referral submitted",
    EventKind.ACCEPTED: "Accepted by the partner team",
    EventKind.REJECTED: "Not accepted",
    EventKind.STAGE_CHANGED: "Stage changed",
    EventKind.UPDATE: "Update from the partner team",
    EventKind.WON: "Won",
    EventKind.LOST: "Lost",
    EventKind.REGISTRATION_CONTESTED: "Another referral for this company was accepted",
    EventKind.COMMISSION_CREATED: "Commission calculated",
    EventKind.COMMISSION_APPROVED: "Commission approved",
    EventKind.COMMISSION_PAID: "Commission paid",
    EventKind.DISPUTE_OPENED: "Commission disputed",
    EventKind.DISPUTE_RESOLVED: "Dispute answered",
    EventKind.NOTE: "Internal note",
    EventKind.ASSIGNED: "Owner changed",
    EventKind.VALUE_RECORDED: "Deal value recorded",
}

STAGE_NAMES: dict[str, str] = {
    "submitted": "Submitted",
    "conflict": "Under review",
    "accepted": "Accepted",
    "contacted": "Contacted",
    "qualified": "Qualified",
    "proposal": "Proposal",
    "won": "Won",
    "lost": "Lost",
    "rejected": "Not accepted",
}


def stage_name(status: str) -> str:
    """A status in words; a custom stage from program.yml reads as its id, capitalised."""
    return STAGE_NAMES.get(status, status.replace("-", " ").replace("_", " ").capitalize())


def event_title(event: ReferralEvent) -> str:
    if event.kind == EventKind.STAGE_CHANGED and event.to_status:
        return f"Moved to {stage_name(event.to_status)}"
    return EVENT_TITLES.get(event.kind, event.kind.replace("_", " ").capitalize())


def add_event(
    referral: Referral,
    kind: EventKind,
    actor: User | None,
    *,
    message: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    program: Program | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> ReferralEvent:
    """Add an event to the referral's timeline and keep its clocks current; no commit.

    A partner-visible event by the partner team answers the first-response clock and resets
    the staleness clock; it is e-mailed to the partner who submitted the referral (one
    e-mail per event) unless `notify` is False.
    """
    now = now or utcnow()
    program = program or current_content().program
    visible = kind in PARTNER_VISIBLE
    event = ReferralEvent(
        referral_id=referral.id,
        kind=kind,
        partner_visible=visible,
        actor_id=actor.id if actor is not None else None,
        message=message,
        from_status=from_status,
        to_status=to_status,
        created_at=now,
    )
    db.session.add(event)
    if kind == EventKind.ACCEPTED and referral.accepted_at is None:
        referral.accepted_at = now
    if actor is not None and actor.is_staff and referral.first_opened_at is None:
        # Acting on a referral, from its row or anywhere, means the team has seen it: no longer new.
        referral.first_opened_at = now
        referral.first_opened_by_id = actor.id
    if visible and actor is not None and actor.is_staff:
        if referral.first_responded_at is None:
            referral.first_responded_at = now
        referral.last_partner_update_at = now
    refresh_clocks(referral, program)
    if visible and notify:
        _tell_partner(referral, event)
    announce_event(referral, kind, from_status, to_status, now)
    return event


def refresh_clocks(referral: Referral, program: Program) -> None:
    """next_due_at: the first-response due time until answered, then the staleness due time."""
    if not referral.is_open:
        referral.next_due_at = None
    elif referral.first_responded_at is None:
        referral.next_due_at = referral.first_response_due_at
    else:
        referral.next_due_at = stale_due(referral.last_partner_update_at, program)


def _tell_partner(referral: Referral, event: ReferralEvent) -> None:
    submitter = referral.submitted_by
    if submitter is None or not submitter.active:
        return
    title = event_title(event)
    queue_email(
        submitter.email,
        "referral_event",
        f"{referral.reference} {referral.company_name}: {title}",
        referral=referral,
        event=event,
        title=title,
        recipient_name=submitter.first_name,
    )


def timeline(referral_id: int, *, partner_view: bool) -> list[ReferralEvent]:
    """The referral's events, oldest first; partners get only the partner-visible ones."""
    stmt = (
        sa.select(ReferralEvent)
        .options(joinedload(ReferralEvent.actor))
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.id)
    )
    if partner_view:
        stmt = stmt.where(ReferralEvent.partner_visible.is_(True))
    return list(db.session.scalars(stmt))
