"""What the partner team decides: approving or declining a tier review, recording a fact.

Each function checks first (raising DecisionRefused, having changed nothing), then acts,
writes the organisation's history and the audit log, and never commits: the view does, once.
The organisation's status row is locked first, so a decision and the daily evaluation of the
same organisation take turns.
"""

from __future__ import annotations

from datetime import date, datetime

from portal.accounts.models import Organization, User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.staff.service import change_tier
from portal.standing.history import record_history
from portal.standing.models import (
    AttestedFactRecord,
    HistoryKind,
    ReviewDirection,
    ReviewStatus,
    TierReview,
    TierStatus,
)
from portal.standing.transitions import tier_name

__all__ = [
    "EARLIEST_FACT_DATE",
    "NOTE_MAX",
    "REASON_MAX",
    "DecisionRefused",
    "approve_review",
    "decline_review",
    "record_fact",
]

REASON_MAX = 2000
NOTE_MAX = 2000
EARLIEST_FACT_DATE = date(2000, 1, 1)


class DecisionRefused(Exception):
    """A decision the rules do not allow; `message` is shown to the person who tried."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _locked_status(organization_id: int) -> TierStatus:
    status = db.session.get(TierStatus, organization_id, with_for_update=True)
    if status is None:
        status = TierStatus(organization_id=organization_id)
        db.session.add(status)
    return status


def _clean(text: str | None, limit: int, blank: str, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise DecisionRefused(blank, field)
    if len(value) > limit:
        raise DecisionRefused(f"Keep it to {limit} characters.", field)
    return value


def _check_open(review: TierReview, actor: User) -> None:
    if actor is None or not actor.is_staff:
        raise DecisionRefused("Only the partner team decides tier reviews.")
    if not review.is_open:
        raise DecisionRefused(f"This review is already {review.status}.")


def approve_review(
    review: TierReview, actor: User, reason: str, program: Program, now: datetime | None = None
) -> None:
    """Move the organisation to the review's tier, with the reason on its history."""
    _check_open(review, actor)
    reason = _clean(reason, REASON_MAX, "Say why, for the organisation's history.", "reason")
    org = review.organization
    status = _locked_status(org.id)
    if org.tier != review.from_tier:
        raise DecisionRefused(
            f"{org.name} is on {tier_name(program, org.tier)} now, not "
            f"{tier_name(program, review.from_tier)}: this review no longer applies."
        )
    if program.tier(review.to_tier) is None:
        raise DecisionRefused(f"The program has no tier {review.to_tier!r} any more.")
    change_tier(actor, org, review.to_tier, program)
    _decide(review, actor, ReviewStatus.APPROVED, reason, now)
    status.end_grace()
    status.tier_seen = org.tier
    record_history(
        org.id,
        HistoryKind.REVIEW_APPROVED,
        f"{_name(actor)} approved the move to {tier_name(program, review.to_tier)}: {reason}",
        actor=actor,
        from_tier=review.from_tier,
        to_tier=review.to_tier,
        details={"review_id": review.id, "direction": review.direction},
    )


def decline_review(
    review: TierReview, actor: User, reason: str, program: Program, now: datetime | None = None
) -> None:
    """Keep the organisation's tier. A declined move down ends the grace period (the next
    evaluation starts a new one if it is still below); a declined move up is not proposed
    again for `grace_days` days."""
    _check_open(review, actor)
    reason = _clean(reason, REASON_MAX, "Say why, for the organisation's history.", "reason")
    status = _locked_status(review.organization_id)
    _decide(review, actor, ReviewStatus.DECLINED, reason, now)
    if review.direction == ReviewDirection.DOWN:
        status.end_grace()
    record_history(
        review.organization_id,
        HistoryKind.REVIEW_DECLINED,
        f"{_name(actor)} declined the move to {tier_name(program, review.to_tier)}: {reason}",
        actor=actor,
        from_tier=review.from_tier,
        to_tier=review.to_tier,
        details={"review_id": review.id, "direction": review.direction},
    )


def _decide(
    review: TierReview, actor: User, decision: str, reason: str, now: datetime | None
) -> None:
    review.status = decision
    review.decided_at = now or utcnow()
    review.decided_by_id = actor.id
    review.decision_reason = reason


def record_fact(
    org: Organization,
    actor: User,
    fact_id: str,
    attested_on: date,
    note: str,
    program: Program,
    today: date | None = None,
) -> AttestedFactRecord:
    """Record that the fact was true for the organisation on `attested_on`, with a note."""
    if actor is None or not actor.is_staff:
        raise DecisionRefused("Only the partner team records facts.")
    fact = program.attested_fact(fact_id)
    if fact is None:
        raise DecisionRefused("Choose one of the program's facts.", "fact")
    today = today or utcnow().date()
    if attested_on > today:
        raise DecisionRefused("The date cannot be in the future.", "attested_on")
    if attested_on < EARLIEST_FACT_DATE:
        raise DecisionRefused(
            f"Choose a date from {EARLIEST_FACT_DATE.isoformat()} on.", "attested_on"
        )
    note = _clean(note, NOTE_MAX, "Add a note: what happened, who was there.", "note")
    record = AttestedFactRecord(
        organization_id=org.id,
        fact=fact.id,
        attested_on=attested_on,
        note=note,
        recorded_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    record_history(
        org.id,
        HistoryKind.FACT_RECORDED,
        f"{_name(actor)} recorded '{fact.name}' on {attested_on.strftime('%d %b %Y')}: {note}",
        actor=actor,
        details={"fact": fact.id, "attested_on": attested_on, "record_id": record.id},
    )
    return record


def _name(user: User) -> str:
    return user.name or user.email
