"""Delivering the outbox: send what is due, retry failures with back-off, never lose a message.

Each message is claimed with `SELECT … FOR UPDATE SKIP LOCKED`, sent, updated and committed
on its own, so several runners on PostgreSQL never send the same message twice and one
failure never undoes another message's outcome. (SQLite ignores the row lock: one machine,
one runner.) A crash between the send and the commit sends that message again: delivery is
at least once, and the Message-ID (built from the outbox id) stays the same so mail clients
can tell.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from flask import current_app

from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.backends import MailBackend, backend_from_config
from portal.notify.models import OutboxMessage, OutboxStatus

__all__ = [
    "DeliveryReport",
    "deliver_due",
    "requeue_dead",
    "retry_delay",
    "status_counts",
]

RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 60 * 60
# Spread retries a little so messages that failed together do not retry together.
RETRY_JITTER_FRACTION = 0.1
ERROR_MAX_CHARS = 2000


@dataclass
class DeliveryReport:
    """What one batch did: sent, failed (will retry), dead (gave up), and pending afterwards."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    pending: int = 0

    @property
    def processed(self) -> int:
        """Messages attempted in this batch."""
        return self.sent + self.failed + self.dead

    def summary(self) -> str:
        """One line for people and logs: `sent 3, failed 1, dead 0, pending 2`."""
        return f"sent {self.sent}, failed {self.failed}, dead {self.dead}, pending {self.pending}"


def retry_delay(attempts: int) -> timedelta:
    """Wait after `attempts` failures: 1 min, 2, 4, … capped at 6 h, plus up to 10 % jitter."""
    exponent = min(max(attempts, 1) - 1, 30)
    base = min(RETRY_BASE_SECONDS * 2**exponent, RETRY_MAX_SECONDS)
    return timedelta(seconds=base * (1 + random.uniform(0, RETRY_JITTER_FRACTION)))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]


def _claim_next_due(due_by: datetime) -> OutboxMessage | None:
    return db.session.scalar(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= due_by,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _pending_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        or 0
    )


Outcome = Literal["sent", "failed", "dead"]

# What a delivered sensitive message keeps: its link must not outlive the delivery.
ERASED_BODY = "[erased after delivery: this message carried a sign-in link]"


def _attempt(
    message: OutboxMessage, backend: MailBackend, now: datetime, max_attempts: int
) -> Outcome:
    """Send one claimed message and record the outcome on it; returns sent, failed or dead."""
    logger = current_app.logger
    try:
        backend.send(message)
    except Exception as error:
        message.attempts += 1
        message.last_error = _describe(error)
        if message.attempts >= max_attempts:
            message.status = OutboxStatus.DEAD
            logger.error(
                "outbox #%s to %s is dead after %s attempts: %s",
                message.id,
                message.to_email,
                message.attempts,
                message.last_error,
            )
            return "dead"
        message.next_attempt_at = now + retry_delay(message.attempts)
        logger.warning(
            "outbox #%s to %s failed (attempt %s of %s), retrying at %s: %s",
            message.id,
            message.to_email,
            message.attempts,
            max_attempts,
            message.next_attempt_at.isoformat(timespec="seconds"),
            message.last_error,
        )
        return "failed"
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None
    if message.sensitive:
        message.body_text = message.body_html = ERASED_BODY
    logger.info("outbox #%s sent to %s", message.id, message.to_email)
    return "sent"


def deliver_due(batch_size: int | None = None, now: datetime | None = None) -> DeliveryReport:
    """Send up to `batch_size` pending messages that are due, committing after each one.

    Raises MailConfigError (before touching any message) when MAIL_BACKEND is unknown.
    `now` fixes the clock (tests); by default each message uses the current time.
    """
    config = current_app.config
    backend = backend_from_config(config, current_app.logger)
    limit = batch_size if batch_size is not None else int(config["OUTBOX_BATCH_SIZE"])
    max_attempts = max(int(config["OUTBOX_MAX_ATTEMPTS"]), 1)
    due_by = now or utcnow()
    report = DeliveryReport()
    for _ in range(limit):
        message = _claim_next_due(due_by)
        if message is None:
            break
        outcome = _attempt(message, backend, now or utcnow(), max_attempts)
        db.session.commit()
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.pending = _pending_count()
    db.session.commit()
    return report


def status_counts(now: datetime | None = None) -> dict[str, int]:
    """Messages per status, plus `due`: pending messages whose next attempt time has come."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update(dict(rows))
    counts["due"] = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= (now or utcnow()),
            )
        )
        or 0
    )
    return counts


def requeue_dead(message_ids: Iterable[int] | None = None) -> int:
    """Make dead messages pending again with fresh attempts (all of them, or the ids given).

    Adds the changes to the session without committing; returns how many were requeued.
    """
    query = sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(list(message_ids)))
    messages = db.session.scalars(query).all()
    now = utcnow()
    for message in messages:
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = now
    return len(messages)
