"""Registering, rotating, re-enabling and deleting webhook endpoints (staff admins only).

Every function adds to the session and never commits; each decision has its audit entry.
The secret is returned to the caller once (to show once) and kept for signing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.outbound_events import EVENT_TYPES
from portal.webhooks.address_guard import literal_problem
from portal.webhooks.models import (
    DESCRIPTION_MAX,
    URL_MAX,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.webhooks.signing import new_secret

__all__ = [
    "EndpointRefused",
    "NewSecret",
    "check_url",
    "delete_endpoint",
    "enable_endpoint",
    "endpoints",
    "get_endpoint",
    "register_endpoint",
    "replay_delivery",
    "rotate_secret",
]


class EndpointRefused(Exception):
    """A registration that cannot be accepted; `message` says why, `field` where."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class NewSecret:
    """An endpoint and its new secret, to show once."""

    endpoint: WebhookEndpoint
    secret: str


def check_url(text: str, allowed: frozenset[str]) -> str:
    """The URL, trimmed, when webhooks may be sent to it; else EndpointRefused.

    https or http, a host, no user name or password in it, no fragment, at most URL_MAX
    characters; a host that is an address literal (or `localhost`) must be public unless
    WEBHOOK_ALLOWED_HOSTS names it. Names are resolved at each delivery, not here.
    """
    url = (text or "").strip()
    if not url:
        raise EndpointRefused("Enter the endpoint's URL.")
    if len(url) > URL_MAX:
        raise EndpointRefused(f"Keep the URL to {URL_MAX} characters.")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise EndpointRefused("A URL has no spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointRefused("This is not a URL: check the host and port.") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise EndpointRefused("Use an https:// (or http://) URL.")
    host = parts.hostname or ""
    if not host:
        raise EndpointRefused("The URL needs a host, e.g. https://crm.example.com/hooks.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise EndpointRefused("Leave user names and passwords out of the URL.")
    if parts.fragment or url.endswith("#"):
        raise EndpointRefused("Leave the #fragment out of the URL.")
    if port == 0:
        raise EndpointRefused("This is not a URL: check the host and port.")
    try:
        host.encode("idna")
    except UnicodeError:
        raise EndpointRefused("The URL's host is not a valid name.") from None
    problem = literal_problem(host, allowed)
    if problem is not None:
        raise EndpointRefused(f"Webhooks only go to public addresses: {problem}.")
    return url


def _event_types(chosen: Iterable[str]) -> str:
    types = sorted(set(chosen))
    if not types:
        raise EndpointRefused("Choose at least one event.", field="event_types")
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise EndpointRefused("Choose events from the list.", field="event_types")
    return " ".join(types)


def register_endpoint(
    actor: User,
    url: str,
    event_types: Iterable[str],
    description: str,
    allowed: frozenset[str],
) -> NewSecret:
    """Register an endpoint with a fresh secret; no commit."""
    clean_url = check_url(url, allowed)
    types = _event_types(event_types)
    note = (description or "").strip()
    if len(note) > DESCRIPTION_MAX:
        raise EndpointRefused(
            f"Keep the description to {DESCRIPTION_MAX} characters.", field="description"
        )
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=clean_url,
        description=note,
        event_types=types,
        secret=secret,
        enabled=True,
        consecutive_failures=0,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(endpoint)
    db.session.flush()
    record_audit(
        actor,
        "webhook.endpoint_created",
        "webhook_endpoint",
        endpoint.id,
        after={"url": clean_url, "event_types": types},
    )
    return NewSecret(endpoint, secret)


def endpoints() -> list[WebhookEndpoint]:
    """Every endpoint, newest first."""
    return list(db.session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())))


def get_endpoint(endpoint_id: int) -> WebhookEndpoint | None:
    """One endpoint, or None."""
    return db.session.get(WebhookEndpoint, endpoint_id)


def rotate_secret(
    actor: User, endpoint: WebhookEndpoint, overlap: timedelta, now: datetime | None = None
) -> NewSecret:
    """Give the endpoint a new secret; the old one keeps signing alongside for `overlap`."""
    now = now or utcnow()
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + overlap
    endpoint.secret = secret
    record_audit(
        actor,
        "webhook.secret_rotated",
        "webhook_endpoint",
        endpoint.id,
        after={"url": endpoint.url, "old_secret_valid_until": endpoint.previous_secret_expires_at},
    )
    return NewSecret(endpoint, secret)


def enable_endpoint(actor: User, endpoint: WebhookEndpoint) -> bool:
    """Turn a disabled endpoint back on (its waiting deliveries resume); False if it was on."""
    if endpoint.enabled:
        return False
    before = {"disabled_reason": endpoint.disabled_reason}
    endpoint.enabled = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = None
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    record_audit(
        actor,
        "webhook.endpoint_enabled",
        "webhook_endpoint",
        endpoint.id,
        before=before,
        after={"url": endpoint.url},
    )
    return True


def delete_endpoint(actor: User, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its deliveries (the audit entry keeps its URL)."""
    record_audit(
        actor,
        "webhook.endpoint_deleted",
        "webhook_endpoint",
        endpoint.id,
        before={"url": endpoint.url, "event_types": endpoint.event_types},
    )
    db.session.execute(
        sa.delete(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(endpoint)


def replay_delivery(actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery's event to its endpoint again: a new delivery, due now; no commit."""
    now = utcnow()
    replay = WebhookDelivery(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        replay_of_id=delivery.id,
        created_at=now,
    )
    db.session.add(replay)
    db.session.flush()
    record_audit(
        actor,
        "webhook.delivery_replayed",
        "webhook_endpoint",
        delivery.endpoint_id,
        after={"delivery": delivery.id, "message_id": delivery.event.message_id},
    )
    return replay
