"""Helpers for the account tests: reading links out of the outbox."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.notify.models import OutboxMessage

_CSRF = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrf_token"[^>]*>')
_LINK = re.compile(r"https?://\S+/(?:invite|reset)/([A-Za-z0-9_-]+)")


def outbox(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    """The queued messages, oldest first, optionally of one kind and to one address."""
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if to is not None:
        stmt = stmt.where(OutboxMessage.to_email == to)
    return list(db.session.scalars(stmt))


def token_from(message: OutboxMessage) -> str:
    """The raw token in the link of an invite or reset e-mail (plain-text body)."""
    match = _LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def latest_token(kind: str, to: str) -> str:
    """The token of the newest message of this kind to this address."""
    messages = outbox(kind, to)
    assert messages, f"no {kind} e-mail to {to}"
    return token_from(messages[-1])


def signed_in_as(client) -> str | None:
    """The session token the client's session is signed in with, if any."""
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def without_csrf(html: str) -> str:
    """The page with its CSRF tokens removed (they differ per session and per second)."""
    return _CSRF.sub("", html)
