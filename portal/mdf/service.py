"""A fund request's life up to the claim: request, approve (fully or partly), reject.

Each change is a plain function that never commits: it raises MdfError (nothing changed) for
an impossible transition or bad input, moves funds through balance.py, audits the change and
e-mails the partner admins. Claims, payment and expiry: claims.py and expiry.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.accounts.access import scoped_to_org
from portal.accounts.api import team_members
from portal.accounts.models import Organization, Role, User
from portal.audit.service import record_audit
from portal.content.model_governance import MdfRules
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf import balance
from portal.mdf.models import MdfRequest, RequestStatus
from portal.money import format_money
from portal.notify.outbox import queue_email

TITLE_MAX = 200
TEXT_MAX = 2000
NOTE_MAX = 1000
COUNT_MAX = 1_000_000
# How far ahead an activity may be planned, and how late a request for a past one may come.
PLAN_AHEAD_DAYS = 366
LATE_REQUEST_DAYS = 31


class MdfError(Exception):
    """An impossible MDF transition or bad input, with a message for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RequestInput:
    """What a partner admin asks for (text already bounded by the form)."""

    activity_type: str
    activity_date: date
    title: str
    description: str
    amount_minor: int
    expected_attendees: int = 0
    expected_meetings: int = 0
    expected_results: str = ""


def _text(value: str, limit: int, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise MdfError(missing)
    if len(text) > limit:
        raise MdfError(f"Keep it to {limit} characters or fewer.")
    return text


def request_funds(
    user: User, data: RequestInput, rules: MdfRules, currency: str, now: datetime | None = None
) -> MdfRequest:
    """A partner admin requests funds; the amount is held at once or refused; no commit."""
    now = now or utcnow()
    today = now.date()
    org = user.organization
    if not user.is_partner_admin or org is None:
        raise MdfError("Only your organisation's partner admins can request funds.")
    if data.activity_type not in {t.id for t in rules.activity_types}:
        raise MdfError("Choose one of the program's activity types.")
    if data.activity_date < today - timedelta(days=LATE_REQUEST_DAYS):
        raise MdfError(f"Request funds at most {LATE_REQUEST_DAYS} days after the activity.")
    if data.activity_date > today + timedelta(days=PLAN_AHEAD_DAYS):
        raise MdfError("Request funds for activities in the coming year.")
    if data.amount_minor <= 0:
        raise MdfError("Enter the amount you request.")
    for count in (data.expected_attendees, data.expected_meetings):
        if not 0 <= count <= COUNT_MAX:
            raise MdfError(f"Expected results are whole numbers up to {COUNT_MAX:,}.")
    title = _text(data.title, TITLE_MAX, "Name the activity.")
    description = _text(data.description, TEXT_MAX, "Describe the activity.")
    results = (data.expected_results or "").strip()
    if len(results) > TEXT_MAX:
        raise MdfError(f"Keep the expected results to {TEXT_MAX} characters or fewer.")
    allocation_id = balance.hold(org, data.amount_minor, rules, currency, today)
    if allocation_id is None:
        left = balance.balance_of(org, rules, today).available
        raise MdfError(
            f"Your organisation has {format_money(left, currency)} of funds left this period, "
            f"less than the {format_money(data.amount_minor, currency)} requested."
        )
    request = MdfRequest(
        organization_id=org.id,
        allocation_id=allocation_id,
        requested_by_id=user.id,
        activity_type=data.activity_type,
        activity_date=data.activity_date,
        title=title,
        description=description,
        expected_results=results,
        expected_attendees=data.expected_attendees,
        expected_meetings=data.expected_meetings,
        currency=currency,
        requested_minor=data.amount_minor,
        held_minor=data.amount_minor,
        status=RequestStatus.REQUESTED,
        claim_due_on=data.activity_date + timedelta(days=rules.claim_days),
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    audit(user, "mdf.requested", request, None, {"amount_minor": data.amount_minor})
    return request


def lock_request(request_id: int, user: User) -> MdfRequest | None:
    """The request the user may act on, locked until commit; None if unknown to them."""
    stmt = (
        sa.select(MdfRequest)
        .where(MdfRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(scoped_to_org(stmt, MdfRequest.organization_id, user))


def approve(
    request: MdfRequest,
    actor: User,
    amount_minor: int,
    note: str = "",
    now: datetime | None = None,
    *,
    rules: MdfRules,
) -> None:
    """Staff approve all of the request or part of it; the rest goes back; no commit."""
    if request.status != RequestStatus.REQUESTED:
        raise MdfError(f"This request is already {status_label(request.status)}.")
    if not 0 < amount_minor <= request.requested_minor:
        raise MdfError(
            "Approve an amount above zero and at most the "
            f"{format_money(request.requested_minor, request.currency)} requested."
        )
    note = check_note(note, required=False)
    now = now or utcnow()
    released = request.held_minor - amount_minor
    period = balance.release(request, released, rules, now.date())
    request.held_minor = amount_minor
    request.approved_minor = amount_minor
    _decided(request, actor, RequestStatus.APPROVED, note, now)
    partly = amount_minor < request.requested_minor
    audit(
        actor,
        "mdf.approved",
        request,
        {"status": RequestStatus.REQUESTED},
        {"status": RequestStatus.APPROVED, "amount_minor": amount_minor, "partly": partly}
        | released_to(released, period),
    )
    amount = format_money(amount_minor, request.currency)
    notify_admins(
        request,
        f"Funds approved for {request.title}",
        f"{amount} of the {money(request, request.requested_minor)} you asked for "
        f"{'was' if partly else 'is'} approved. Claim it with proof of performance by "
        f"{request.claim_due_on:%d %b %Y}.{returned_text(request, released, period)}",
        note,
    )


def reject(
    request: MdfRequest,
    actor: User,
    reason: str,
    now: datetime | None = None,
    *,
    rules: MdfRules,
) -> None:
    """Staff reject a request with a reason; the held funds go back; no commit."""
    if request.status != RequestStatus.REQUESTED:
        raise MdfError(f"This request is already {status_label(request.status)}.")
    reason = check_note(reason, required=True)
    now = now or utcnow()
    released = request.held_minor
    period = balance.release(request, released, rules, now.date())
    request.held_minor = 0
    _decided(request, actor, RequestStatus.REJECTED, reason, now)
    audit(
        actor,
        "mdf.rejected",
        request,
        {"status": RequestStatus.REQUESTED},
        {"status": RequestStatus.REJECTED, "reason": reason} | released_to(released, period),
    )
    notify_admins(
        request,
        f"Funds not approved for {request.title}",
        returned_text(request, released, period).strip(),
        reason,
    )


def released_to(amount_minor: int, period: str) -> dict[str, object]:
    """The audit entry's record of released funds: how much, and into which period."""
    if amount_minor <= 0:
        return {}
    return {"released_minor": amount_minor, "released_to_period": period}


def returned_text(request: MdfRequest, amount_minor: int, period: str) -> str:
    """The e-mail's sentence on released funds, naming the period they went back to."""
    if amount_minor <= 0:
        return ""
    return (
        f" {money(request, amount_minor)} went back to your organisation's funds for {period}, "
        "where you can request it again."
    )


def _decided(
    request: MdfRequest, actor: User, status: str, note: str, now: datetime | None
) -> None:
    request.status = status
    request.decided_at = now or utcnow()
    request.decided_by_id = actor.id
    request.decision_note = note


def check_note(value: str | None, *, required: bool) -> str:
    """A decision note or reason, trimmed and bounded; required for a rejection."""
    note = (value or "").strip()
    if required and not note:
        raise MdfError("Give the partner the reason.")
    if len(note) > NOTE_MAX:
        raise MdfError(f"Keep it to {NOTE_MAX} characters or fewer.")
    return note


STATUS_LABELS: dict[str, str] = {
    RequestStatus.REQUESTED: "waiting for approval",
    RequestStatus.APPROVED: "approved",
    RequestStatus.REJECTED: "rejected",
    RequestStatus.CLAIMED: "claimed",
    RequestStatus.CLAIM_APPROVED: "claim approved",
    RequestStatus.PAID: "paid",
    RequestStatus.EXPIRED: "expired",
}


def status_label(status: str) -> str:
    """A request's status in words."""
    return STATUS_LABELS.get(status, status)


def money(request: MdfRequest, minor: int | None) -> str:
    """An amount of the request's currency in words ("" for none)."""
    return "" if minor is None else format_money(minor, request.currency)


def audit(
    actor: User | None, action: str, request: MdfRequest, before: dict | None, after: dict
) -> None:
    """An audit entry on the request (amounts in its currency, named in audit_actions.py)."""
    record_audit(
        actor,
        action,
        "mdf_request",
        request.id,
        organization_id=request.organization_id,
        before=before,
        after={**after, "currency": request.currency},
    )


def notify_admins(request: MdfRequest, subject: str, message: str, note: str) -> None:
    """E-mail the organisation's partner admins about a decision on the request."""
    org = db.session.get(Organization, request.organization_id)
    if org is None:
        return
    for person in team_members(org):
        if person.role == Role.PARTNER_ADMIN and person.active:
            queue_email(
                person.email,
                "mdf_decision",
                f"{subject} ({request.reference})",
                request=request,
                message=message,
                note=note,
                status=status_label(request.status),
            )
