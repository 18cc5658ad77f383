"""API tokens: who may create them, their scopes, and how a presented token is checked.

A token is `fw_` + 32 random bytes (URL-safe base64): 256 bits, so a keyed hash (HMAC-SHA256
under a key derived from SECRET_KEY) is the right stored form, one cheap comparison per
request; a password hash would only slow every call without adding anything against guessing.
The token is shown once, at creation. Rotating SECRET_KEY invalidates every token.

A token acts as the person who created it: on every use their account must still be active,
in the token's organisation (partner tokens) or on the partner team (staff tokens), exactly as
their pages would require. These functions add to the session and never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db

__all__ = [
    "EXPIRY_DAYS",
    "NAME_MAX",
    "PARTNER_SCOPES",
    "STAFF_SCOPES",
    "TOKEN_MAX",
    "WRITE_SCOPES",
    "NewToken",
    "TokenRefused",
    "authenticate",
    "create_token",
    "hash_secret",
    "revoke_token",
    "tokens_of",
]

TOKEN_PREFIX = "fw_"  # noqa: S105 - a marker every token starts with, not a secret
# "fw_" and 43 characters of base64; anything longer is not one of ours and is not hashed.
TOKEN_MAX = 64
NAME_MAX = 100
# What each kind of token may be given; a scope's meaning is in docs/integrations.md.
PARTNER_SCOPES: dict[str, str] = {
    "referrals:read": "Read the organisation's referrals and their timeline",
    "referrals:write": "Submit referrals",
    "commissions:read": "Read the organisation's commissions",
    "org:read": "Read the organisation and its certifications",
}
STAFF_SCOPES: dict[str, str] = {
    "referrals:read": "Read and filter every referral (sync with updated_since)",
    "inbox:write": "Work referrals: notes, next stage, owner, deal value, won or lost",
    "org:read": "Read partner organisations and their certifications",
    "customers:write": "Upsert the customer list (the conflict check's input) from the CRM",
    "insights:read": "Read the program figures of /insights",
}
# Every request made with one of these scopes is written to the audit log.
WRITE_SCOPES = frozenset({"referrals:write", "inbox:write", "customers:write"})
EXPIRY_DAYS = (30, 90, 180, 365)


class TokenRefused(Exception):
    """A token cannot be created or revoked; `message` is shown to the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    """The stored form of a token: HMAC-SHA256 under a key derived from SECRET_KEY."""
    key = hashlib.sha256(b"api-token:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _allowed_scopes(actor: User) -> dict[str, str]:
    if actor.is_admin:
        return STAFF_SCOPES
    if actor.is_partner_admin and actor.organization_id is not None:
        return PARTNER_SCOPES
    return {}


def create_token(
    actor: User, name: str, scopes: Sequence[str], days: int, now: datetime | None = None
) -> NewToken:
    """A new token for the actor's organisation (partner admin) or the partner team (admin)."""
    allowed = _allowed_scopes(actor)
    if not allowed:
        raise TokenRefused("Only partner admins and staff admins create API tokens.")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise TokenRefused(f"Give the token a name of at most {NAME_MAX} characters.")
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in allowed for scope in chosen):
        raise TokenRefused("Choose at least one of the scopes offered.")
    if days not in EXPIRY_DAYS:
        raise TokenRefused("Choose one of the expiry periods offered.")
    now = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organization_id=None if actor.is_staff else actor.organization_id,
        created_by_id=actor.id,
        name=name,
        scopes=" ".join(chosen),
        prefix=secret[:11],
        secret_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record_audit(
        actor,
        "api_token.created",
        "api_token",
        token.id,
        organization_id=token.organization_id,
        after={"name": name, "scopes": token.scopes, "expires_at": token.expires_at},
    )
    return NewToken(token, secret)


def tokens_of(actor: User) -> list[ApiToken]:
    """The tokens the actor manages: their organisation's, or the partner team's; newest first."""
    where: sa.ColumnElement[bool]
    if actor.is_admin:
        where = ApiToken.organization_id.is_(None)
    elif actor.is_partner_admin and actor.organization_id is not None:
        where = ApiToken.organization_id == actor.organization_id
    else:
        return []
    stmt = sa.select(ApiToken).where(where).order_by(ApiToken.id.desc())
    return list(db.session.scalars(stmt))


def revoke_token(actor: User, token_id: int, now: datetime | None = None) -> ApiToken | None:
    """Revoke one of the actor's tokens; None when it is not theirs to manage (a 404)."""
    token = next((t for t in tokens_of(actor) if t.id == token_id), None)
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        record_audit(
            actor,
            "api_token.revoked",
            "api_token",
            token.id,
            organization_id=token.organization_id,
            before={"name": token.name},
        )
    return token


def _holder_may_use(token: ApiToken) -> bool:
    """The creator still holds the role the token needs (checked on every use)."""
    user = token.created_by
    if not user.can_sign_in:
        return False
    if token.organization_id is None:
        return user.is_staff
    return user.is_partner and user.organization_id == token.organization_id


def authenticate(presented: str, now: datetime | None = None) -> ApiToken | None:
    """The live token behind a presented secret, its last use recorded; None otherwise."""
    if len(presented) > TOKEN_MAX or not presented.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.secret_hash == hash_secret(presented))
    )
    if token is None or not token.is_usable(now) or not _holder_may_use(token):
        return None
    # Last use to the minute: a busy integration does not write on every call.
    if token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1):
        token.last_used_at = now
    return token
