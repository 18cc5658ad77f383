"""Triage: who owns a referral, and whether the partner team accepts it.

Plain functions, as every staff action on a referral (see action_checks.py): each checks that
the transition is possible (raising `ActionError`, having changed nothing, when it is not),
records it on the timeline through `add_event` (which keeps the SLA clocks current and
e-mails the partner for partner-visible events), keeps the company registration in step,
and writes an audit entry. Nothing here commits: the caller does, once, after locking the
referral row with `lock_referral`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.referrals import registration
from portal.referrals.action_checks import (
    REASON_MAX,
    UNACCEPTED,
    ActionError,
    audit_referral,
    clean_text,
    require_open,
    stage_of,
)
from portal.referrals.events import EventKind, add_event, stage_name
from portal.referrals.models import Referral, ReferralEvent, ReferralStatus
from portal.referrals.outcomes import close_referral

# What the earlier registration reads when staff accept a contested referral: never who.
CONTESTED_MESSAGE = (
    "The partner team accepted another referral for this company under the rules of engagement."
)


def assign(
    referral: Referral,
    actor: User,
    owner: User | None,
    program: Program,
    now: datetime | None = None,
) -> ReferralEvent:
    """Make `owner` (an active partner-team member) the referral's owner; e-mail them."""
    require_open(actor, referral)
    if owner is None or not owner.is_staff or not owner.active:
        raise ActionError("Choose an active member of the partner team.", field="owner")
    if referral.owner_id == owner.id:
        raise ActionError(f"{owner.display_name} already owns this referral.", field="owner")
    before = {"owner_id": referral.owner_id}
    referral.owner_id = owner.id
    referral.owner = owner
    event = add_event(
        referral,
        EventKind.ASSIGNED,
        actor,
        message=f"Assigned to {owner.display_name}.",
        program=program,
        now=now,
    )
    if owner.id != actor.id:
        queue_email(
            owner.email,
            "referral_assigned",
            f"{referral.reference} {referral.company_name} is yours",
            referral=referral,
            organization_name=referral.organization.name,
            recipient_name=owner.first_name,
            assigned_by=actor.display_name,
            stage=stage_name(referral.status),
        )
    audit_referral(actor, "assign", referral, before, {"owner_id": owner.id})
    return event


def accept(
    referral: Referral, actor: User, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Accept a submitted referral, or decide a conflict in its favour.

    For a conflict with an earlier registration, this referral takes the registration over
    and the earlier referral is told on its timeline, without naming anyone.
    """
    require_open(actor, referral)
    if referral.status not in UNACCEPTED:
        accepted = referral.status == ReferralStatus.ACCEPTED
        stage = "" if accepted else f" It is {stage_of(referral)}."
        raise ActionError(f"This referral was already accepted.{stage}")
    now = now or utcnow()
    before = {"status": referral.status}
    key = registration.key_text(
        referral.company_website, referral.contact_email, referral.company_name
    )
    contested: Referral | None = None
    if referral.status == ReferralStatus.CONFLICT and referral.conflict_with_id is not None:
        # Whoever holds the company now is displaced and told: usually the registration this
        # referral collided with, but that one may have closed and a third claimed it since.
        holder = registration.take_over(key, referral, program, now) if key else None
        if holder is not None:
            # Locked too: its timeline and clocks change.
            contested = db.session.get(Referral, holder, with_for_update=True)
    elif referral.status == ReferralStatus.CONFLICT:
        # A customer conflict never claimed the company: claim it now, first come first served.
        if key is not None:
            registration.claim(key, referral, program, now)
    else:
        registration.renew(referral, program, now)
    from_status = referral.status
    referral.status = ReferralStatus.ACCEPTED
    event = add_event(
        referral,
        EventKind.ACCEPTED,
        actor,
        from_status=from_status,
        to_status=referral.status,
        program=program,
        now=now,
    )
    if contested is not None and contested.id != referral.id and contested.is_open:
        # No actor: the notice is not a response to that referral, so its SLA clocks stand.
        add_event(
            contested,
            EventKind.REGISTRATION_CONTESTED,
            None,
            message=CONTESTED_MESSAGE,
            program=program,
            now=now,
        )
    after: dict[str, Any] = {"status": referral.status}
    if contested is not None:
        after["contested_referral_id"] = contested.id
    audit_referral(actor, "accept", referral, before, after)
    return event


def reject(
    referral: Referral, actor: User, reason: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Decline a referral that was not accepted; the partner sees the reason."""
    require_open(actor, referral)
    if referral.status not in UNACCEPTED:
        raise ActionError(
            "This referral was already accepted: mark it lost instead of rejecting it."
        )
    reason = clean_text(reason, REASON_MAX, "Give a reason the partner will see.", "reason")
    return close_referral(
        referral,
        actor,
        ReferralStatus.REJECTED,
        EventKind.REJECTED,
        reason,
        program,
        now,
        audit="reject",
    )
