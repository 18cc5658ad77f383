"""SLA reminders: one e-mail per breach to the referral's owner (or the partner team).

A breach is identified by the due time that was missed: `reminded_due_at` records the due
time a reminder went out for. When a partner-visible update moves the clock, `next_due_at`
changes and a later breach of the new due time is a new breach. The claim is one
conditional UPDATE, so two reminder jobs running at once send each reminder exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.content.model import Program
from portal.content_runtime import current_content
from portal.db_types import updated, utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.referrals.models import CLOSED_STATUSES, Referral
from portal.referrals.sla import as_utc, clock, describe

__all__ = ["BATCH_SIZE", "Breach", "breach_of", "send_reminders"]

BATCH_SIZE = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Breach:
    """Which clock a referral missed, in words, and by how long."""

    clock_name: str  # "first response" | "regular update"
    what: str  # one sentence on what was due
    overdue_by: str  # "overdue by 2 d 4 h"
    due_at: datetime  # the missed due time (UTC)


def breach_of(referral: Referral, program: Program, now: datetime) -> Breach:
    """Describe the missed clock: the first response, or an update within N days."""
    assert referral.next_due_at is not None
    overdue_by = describe(clock(referral.next_due_at, now))
    if referral.first_responded_at is None:
        return Breach(
            clock_name="first response",
            what=(
                f"The partner has not had a first response within "
                f"{program.sla_hours_text(program.first_response_hours)} of submitting."
            ),
            overdue_by=overdue_by,
            due_at=referral.next_due_at,
        )
    return Breach(
        clock_name="regular update",
        what=(
            f"The partner has had no update on this referral for {program.stale_after_days} days."
        ),
        overdue_by=overdue_by,
        due_at=referral.next_due_at,
    )


def send_reminders(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Queue one reminder per overdue, not yet reminded breach; return how many were queued.

    Works through the overdue referrals in batches in due order and commits after each batch
    (a job, not a request: a crash half-way keeps the reminders already queued).
    """
    now = as_utc(now, "now") if now is not None else utcnow()
    program = current_content().program
    team_address = current_app.config["PARTNER_TEAM_EMAIL"]
    queued = 0
    after: tuple[datetime, int] | None = None
    while True:
        batch = _overdue_batch(now, after, batch_size)
        if not batch:
            break
        last = batch[-1]
        assert last.next_due_at is not None
        after = (last.next_due_at, last.id)  # read before the commit expires the rows
        for referral in batch:
            if _claim(referral):
                _queue_reminder(referral, program, now, team_address)
                queued += 1
        db.session.commit()
        if len(batch) < batch_size:
            break
    log.info("queued %d SLA reminders", queued)
    return queued


def _overdue_batch(
    now: datetime, after: tuple[datetime, int] | None, batch_size: int
) -> list[Referral]:
    due = Referral.next_due_at
    stmt = (
        sa.select(Referral)
        .where(
            Referral.status.not_in([str(status) for status in CLOSED_STATUSES]),
            due.is_not(None),
            due < now,
            sa.or_(Referral.reminded_due_at.is_(None), Referral.reminded_due_at != due),
        )
        .options(selectinload(Referral.owner))
        .order_by(due, Referral.id)
        .limit(batch_size)
    )
    if after is not None:
        after_due, after_id = after
        stmt = stmt.where(due >= after_due, sa.or_(due > after_due, Referral.id > after_id))
    return list(db.session.scalars(stmt))


def _claim(referral: Referral) -> bool:
    """Mark this breach reminded unless another job did, or the clock moved, since reading it."""
    due = Referral.next_due_at
    result = updated(
        db.session.execute(
            sa.update(Referral)
            .where(
                Referral.id == referral.id,
                due == referral.next_due_at,
                sa.or_(Referral.reminded_due_at.is_(None), Referral.reminded_due_at != due),
            )
            .values(reminded_due_at=due)
            .execution_options(synchronize_session=False)
        )
    )
    if result.rowcount != 1:
        return False
    set_committed_value(referral, "reminded_due_at", referral.next_due_at)
    return True


def _queue_reminder(referral: Referral, program: Program, now: datetime, team: str) -> None:
    owner = referral.owner
    to_owner = owner is not None and owner.active
    breach = breach_of(referral, program, now)
    queue_email(
        owner.email if to_owner and owner is not None else team,
        "referral_reminder",
        f"Overdue: {breach.clock_name} for {referral.reference} {referral.company_name}",
        referral=referral,
        breach=breach,
        recipient_name=owner.first_name if to_owner and owner is not None else "",
        unassigned=owner is None,
        owner_inactive=owner is not None and not owner.active,
    )
