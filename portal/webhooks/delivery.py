"""Delivering webhooks: claim what is due, send it signed, retry with back-off, give up, disable.

Each delivery is claimed with `SELECT … FOR UPDATE SKIP LOCKED`, attempted and committed on
its own, so several `flask webhooks deliver` workers on PostgreSQL never send one delivery
twice at once, and one failure never undoes another delivery's outcome (SQLite ignores the
lock: one machine, one worker). A crash between the send and the commit sends it again:
delivery is at least once, and the `webhook-id` stays the same so receivers can tell.

A failed attempt is retried after 30 s, 1 min, 2, 4, … doubling up to 8 h, each with ±20 %
jitter (endpoints that failed together do not retry together), until WEBHOOK_RETRY_HOURS
(72: about three days) have passed since the delivery was made; then it is failed.
An endpoint whose attempts have all failed for WEBHOOK_DISABLE_AFTER_HOURS, at least
WEBHOOK_DISABLE_AFTER_FAILURES times in a row, is disabled and the staff admins are e-mailed;
the counters are single UPDATE statements, so two workers failing at once count both and
exactly one of them disables (and e-mails).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role, User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.webhooks.address_guard import allowed_hosts
from portal.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.webhooks.sender import AttemptResult, post
from portal.webhooks.signing import signed_headers

__all__ = ["DeliveryReport", "deliver_due", "retry_delay"]

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 8 * 60 * 60
RETRY_JITTER_FRACTION = 0.2

Outcome = Literal["delivered", "retrying", "failed"]


@dataclass
class DeliveryReport:
    """What one batch did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    disabled: int = 0

    @property
    def processed(self) -> int:
        """Deliveries attempted in this batch."""
        return self.delivered + self.retrying + self.failed

    def summary(self) -> str:
        """One line for people and logs."""
        return (
            f"delivered {self.delivered}, retrying {self.retrying}, failed {self.failed}, "
            f"endpoints disabled {self.disabled}"
        )


def retry_delay(attempts: int) -> timedelta:
    """Wait after `attempts` failures: 30 s doubling per failure up to 8 h, ±20 % jitter."""
    exponent = min(max(attempts, 1) - 1, 30)
    base = min(RETRY_BASE_SECONDS * 2**exponent, RETRY_MAX_SECONDS)
    jitter = random.uniform(-RETRY_JITTER_FRACTION, RETRY_JITTER_FRACTION)
    return timedelta(seconds=base * (1 + jitter))


def _claim_next_due(due_by: datetime) -> WebhookDelivery | None:
    return db.session.scalar(
        sa.select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= due_by,
            WebhookEndpoint.enabled.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )


def _send(delivery: WebhookDelivery, config: Any, now: datetime) -> AttemptResult:
    endpoint, event = delivery.endpoint, delivery.event
    body = event.body.encode("utf-8")
    headers = signed_headers(event.message_id, body, endpoint.signing_secrets(now), now)
    return post(
        endpoint.url,
        body,
        headers,
        float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        allowed_hosts(config["WEBHOOK_ALLOWED_HOSTS"]),
    )


def _endpoint_succeeded(endpoint_id: int) -> None:
    # Only an endpoint that was failing is written: in the steady state a success locks no
    # endpoint row, so workers delivering to one endpoint do not queue behind each other.
    db.session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.consecutive_failures > 0)
        .values(consecutive_failures=0, failing_since=None)
        .execution_options(synchronize_session=False)
    )


def _endpoint_failed(endpoint_id: int, now: datetime, config: Any) -> bool:
    """Count the failure; disable the endpoint when its failures are sustained. True if this
    call disabled it."""
    db.session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(
            consecutive_failures=WebhookEndpoint.consecutive_failures + 1,
            failing_since=sa.func.coalesce(WebhookEndpoint.failing_since, now),
        )
        .execution_options(synchronize_session=False)
    )
    hours = int(config["WEBHOOK_DISABLE_AFTER_HOURS"])
    reason = f"every attempt failed for {hours} hours"
    disabled = db.session.execute(
        sa.update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.enabled.is_(True),
            WebhookEndpoint.consecutive_failures >= int(config["WEBHOOK_DISABLE_AFTER_FAILURES"]),
            WebhookEndpoint.failing_since <= now - timedelta(hours=hours),
        )
        .values(enabled=False, disabled_at=now, disabled_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(disabled, "rowcount", 0) == 1)


def _tell_admins(endpoint: WebhookEndpoint) -> None:
    admins = db.session.scalars(
        sa.select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    )
    for admin in admins:
        queue_email(
            admin.email,
            "webhook_endpoint_disabled",
            "A webhook endpoint was disabled after failing",
            endpoint=endpoint,
            name=admin.display_name,
        )


def _attempt(delivery: WebhookDelivery, config: Any, now: datetime) -> tuple[Outcome, bool]:
    result = _send(delivery, config, now)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = result.status_code
    delivery.duration_ms = result.duration_ms
    delivery.last_error = result.error
    if result.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        _endpoint_succeeded(delivery.endpoint_id)
        return "delivered", False
    window_ends = delivery.created_at + timedelta(hours=int(config["WEBHOOK_RETRY_HOURS"]))
    next_attempt = now + retry_delay(delivery.attempts)
    outcome: Outcome
    if next_attempt > window_ends:
        delivery.status = DeliveryStatus.FAILED
        outcome = "failed"
    else:
        delivery.next_attempt_at = next_attempt
        outcome = "retrying"
    disabled = _endpoint_failed(delivery.endpoint_id, now, config)
    if disabled:
        db.session.refresh(delivery.endpoint)
        record_audit(
            None,
            "webhook.endpoint_disabled",
            "webhook_endpoint",
            delivery.endpoint_id,
            after={"url": delivery.endpoint.url, "reason": delivery.endpoint.disabled_reason},
        )
        _tell_admins(delivery.endpoint)
    current_app.logger.warning(
        "webhook delivery #%s to endpoint #%s failed (attempt %s): %s",
        delivery.id,
        delivery.endpoint_id,
        delivery.attempts,
        result.error,
    )
    return outcome, disabled


def deliver_due(batch_size: int | None = None, now: datetime | None = None) -> DeliveryReport:
    """Attempt up to `batch_size` due deliveries of enabled endpoints, committing after each.

    `now` fixes the clock (tests); by default each attempt uses the current time.
    """
    config = current_app.config
    limit = batch_size if batch_size is not None else int(config["WEBHOOK_BATCH_SIZE"])
    report = DeliveryReport()
    for _ in range(limit):
        delivery = _claim_next_due(now or utcnow())
        if delivery is None:
            break
        outcome, disabled = _attempt(delivery, config, now or utcnow())
        db.session.commit()
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.disabled += int(disabled)
    db.session.commit()
    return report
