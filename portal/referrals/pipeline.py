"""Working an accepted referral: the next pipeline stage, updates to the partner, notes.

Plain functions, as every staff action on a referral (see action_checks.py): each checks,
records on the timeline through `add_event`, writes an audit entry and never commits; the
caller holds the referral's row lock (`lock_referral`).
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.referrals import registration
from portal.referrals.action_checks import (
    MESSAGE_MAX,
    UNACCEPTED,
    ActionError,
    audit_referral,
    clean_text,
    require_open,
    require_staff,
    stage_of,
)
from portal.referrals.events import EventKind, add_event
from portal.referrals.models import Referral, ReferralEvent, ReferralStatus


def next_stage(referral: Referral, program: Program) -> str | None:
    """The pipeline stage after the referral's status, or None when there is no open one."""
    stages = program.pipeline_stages
    if referral.status not in stages or referral.status in UNACCEPTED:
        return None
    following = stages[stages.index(referral.status) + 1 :]
    if not following or following[0] in (ReferralStatus.WON, ReferralStatus.LOST):
        return None
    return following[0]


def advance(
    referral: Referral, actor: User, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Move an accepted referral to the next open pipeline stage (never into won or lost)."""
    require_open(actor, referral)
    if referral.status in UNACCEPTED:
        raise ActionError("Accept the referral before moving it along the pipeline.")
    stage = next_stage(referral, program)
    if stage is None:
        raise ActionError(
            f"{stage_of(referral).capitalize()} is the last open stage: mark the referral won "
            "or lost."
        )
    now = now or utcnow()
    before = {"status": referral.status}
    referral.status = stage
    registration.renew(referral, program, now)
    event = add_event(
        referral,
        EventKind.STAGE_CHANGED,
        actor,
        from_status=before["status"],
        to_status=stage,
        program=program,
        now=now,
    )
    audit_referral(actor, "advance", referral, before, {"status": stage})
    return event


def post_update(
    referral: Referral, actor: User, message: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """A message to the partner on the timeline (and by e-mail)."""
    require_open(actor, referral)
    message = clean_text(message, MESSAGE_MAX, "Write the update the partner will read.", "message")
    event = add_event(referral, EventKind.UPDATE, actor, message=message, program=program, now=now)
    audit_referral(actor, "post_update", referral, None, {"message": message})
    return event


def add_note(
    referral: Referral, actor: User, message: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """An internal note: the partner team sees it, the partner never does.

    Allowed on closed referrals too: notes keep the record, they change nothing.
    """
    require_staff(actor)
    message = clean_text(message, MESSAGE_MAX, "Write the note.", "message")
    event = add_event(referral, EventKind.NOTE, actor, message=message, program=program, now=now)
    audit_referral(actor, "add_note", referral, None, {"message": message})
    return event
