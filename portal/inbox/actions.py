"""The partner team's actions on a referral, as plain functions.

Each action checks that the transition is possible (raising `ActionError`, having changed
nothing, when it is not), records it on the timeline through `add_event` (which keeps the SLA
clocks current and e-mails the partner for partner-visible events), keeps the company
registration in step, and writes an audit entry. Nothing here commits: the view does, once.
The caller locks the referral row first (SELECT ... FOR UPDATE) so that two people acting on
one referral at once take turns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.money import format_money
from portal.notify.outbox import queue_email
from portal.referrals import registration
from portal.referrals.commissions import create_commission
from portal.referrals.events import EventKind, add_event, refresh_clocks, stage_name
from portal.referrals.models import Commission, Referral, ReferralEvent, ReferralStatus

REASON_MAX = 2000
MESSAGE_MAX = 5000
# What the earlier registration reads when staff accept a contested referral: never who.
CONTESTED_MESSAGE = (
    "The partner team accepted another referral for this company under the rules of engagement."
)
_UNACCEPTED = frozenset({ReferralStatus.SUBMITTED, ReferralStatus.CONFLICT})


class ActionError(Exception):
    """An action that cannot be done; `message` is shown to the person who tried.

    `field` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def assign(
    referral: Referral,
    actor: User,
    owner: User | None,
    program: Program,
    now: datetime | None = None,
) -> ReferralEvent:
    """Make `owner` (an active partner-team member) the referral's owner; e-mail them."""
    _require(actor, referral)
    if owner is None or not owner.is_staff or not owner.active:
        raise ActionError("Choose an active member of the partner team.", field="owner")
    if referral.owner_id == owner.id:
        raise ActionError(f"{_person(owner)} already owns this referral.", field="owner")
    before = {"owner_id": referral.owner_id}
    referral.owner_id = owner.id
    referral.owner = owner
    event = add_event(
        referral,
        EventKind.ASSIGNED,
        actor,
        message=f"Assigned to {_person(owner)}.",
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
            assigned_by=_person(actor),
            stage=stage_name(referral.status),
        )
    _audit(actor, "assign", referral, before, {"owner_id": owner.id})
    return event


def accept(
    referral: Referral, actor: User, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Accept a submitted referral, or decide a conflict in its favour.

    For a conflict with an earlier registration, this referral takes the registration over
    and the earlier referral is told on its timeline, without naming anyone.
    """
    _require(actor, referral)
    if referral.status not in _UNACCEPTED:
        stage = "" if referral.status == ReferralStatus.ACCEPTED else f" It is {_stage(referral)}."
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
    _audit(actor, "accept", referral, before, after)
    return event


def reject(
    referral: Referral, actor: User, reason: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Decline a referral that was not accepted; the partner sees the reason."""
    _require(actor, referral)
    if referral.status not in _UNACCEPTED:
        raise ActionError(
            "This referral was already accepted: mark it lost instead of rejecting it."
        )
    reason = _text(reason, REASON_MAX, "Give a reason the partner will see.", "reason")
    return _close(
        referral,
        actor,
        ReferralStatus.REJECTED,
        EventKind.REJECTED,
        reason,
        program,
        now,
        audit="reject",
    )


def next_stage(referral: Referral, program: Program) -> str | None:
    """The pipeline stage after the referral's status, or None when there is no open one."""
    stages = program.pipeline_stages
    if referral.status not in stages or referral.status in _UNACCEPTED:
        return None
    following = stages[stages.index(referral.status) + 1 :]
    if not following or following[0] in (ReferralStatus.WON, ReferralStatus.LOST):
        return None
    return following[0]


def advance(
    referral: Referral, actor: User, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Move an accepted referral to the next open pipeline stage (never into won or lost)."""
    _require(actor, referral)
    if referral.status in _UNACCEPTED:
        raise ActionError("Accept the referral before moving it along the pipeline.")
    stage = next_stage(referral, program)
    if stage is None:
        raise ActionError(
            f"{_stage(referral).capitalize()} is the last open stage: mark the referral won "
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
    _audit(actor, "advance", referral, before, {"status": stage})
    return event


def post_update(
    referral: Referral, actor: User, message: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """A message to the partner on the timeline (and by e-mail)."""
    _require(actor, referral)
    message = _text(message, MESSAGE_MAX, "Write the update the partner will read.", "message")
    event = add_event(referral, EventKind.UPDATE, actor, message=message, program=program, now=now)
    _audit(actor, "post_update", referral, None, {"message": message})
    return event


def add_note(
    referral: Referral, actor: User, message: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """An internal note: the partner team sees it, the partner never does.

    Allowed on closed referrals too: notes keep the record, they change nothing.
    """
    _require_staff(actor)
    message = _text(message, MESSAGE_MAX, "Write the note.", "message")
    event = add_event(referral, EventKind.NOTE, actor, message=message, program=program, now=now)
    _audit(actor, "add_note", referral, None, {"message": message})
    return event


def record_value(
    referral: Referral,
    actor: User,
    amount_minor: int,
    currency: str,
    program: Program,
    now: datetime | None = None,
) -> ReferralEvent:
    """Record the deal value (internal) in the program currency, in minor units."""
    _require(actor, referral)
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
    _audit(
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
    _require(actor, referral)
    if referral.status in _UNACCEPTED:
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
    _close(referral, actor, ReferralStatus.WON, EventKind.WON, reason, program, now, audit=None)
    try:
        commission = create_commission(referral, actor, program, now)
    except ValueError as refused:  # pragma: no cover - the currency was checked above
        raise ActionError(str(refused), field="currency") from refused
    after = _closing_state(referral)
    after["commission_minor"] = commission.amount_minor if commission else None
    _audit(actor, "mark_won", referral, before, after)
    return commission


def mark_lost(
    referral: Referral, actor: User, reason: str, program: Program, now: datetime | None = None
) -> ReferralEvent:
    """Close an accepted referral as lost; the partner sees the reason."""
    _require(actor, referral)
    if referral.status in _UNACCEPTED:
        raise ActionError("This referral was not accepted: reject it with a reason instead.")
    reason = _text(reason, REASON_MAX, "Give a reason the partner will see.", "reason")
    return _close(
        referral,
        actor,
        ReferralStatus.LOST,
        EventKind.LOST,
        reason,
        program,
        now,
        audit="mark_lost",
    )


def _close(
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
        _audit(actor, audit, referral, before, _closing_state(referral))
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


def _text(value: str, limit: int, blank_message: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ActionError(blank_message, field=field)
    if len(text) > limit:
        raise ActionError(f"Keep it to {limit} characters.", field=field)
    return text


def _require_staff(actor: User) -> None:
    if actor is None or not actor.is_staff:
        raise ActionError("Only the partner team can do this.")


def _require(actor: User, referral: Referral) -> None:
    """A partner-team actor and an open referral."""
    _require_staff(actor)
    if not referral.is_open:
        raise ActionError(f"This referral is closed ({_stage(referral)}); nothing can change it.")


def _stage(referral: Referral) -> str:
    return stage_name(referral.status).lower()


def _person(user: User) -> str:
    return user.name or user.email


def _audit(
    actor: User,
    action: str,
    referral: Referral,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    record_audit(
        actor,
        f"referral.{action}",
        "referral",
        referral.id,
        organization_id=referral.organization_id,
        before=before,
        after=after,
    )
