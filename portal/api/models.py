"""API tokens: a name, scopes, an expiry, the last use; the secret itself is never stored."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class ApiToken(Model):
    """A Bearer token of an organisation (organization_id set) or of the partner team (None)."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.Index("ix_api_tokens_org", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a staff token, created by a staff admin for the partner team.
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    # The token acts as this person: their role and organisation are checked on every use.
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    scopes: Mapped[str] = mapped_column(sa.String(300))  # space-separated, sorted
    # Shown in lists so people can tell tokens apart ("fw_ab12cd34…"); not secret.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    # HMAC-SHA256 of the whole token under the app's SECRET_KEY (portal/api/tokens.py).
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class ApiIdempotencyKey(Model):
    """An `Idempotency-Key` a partner integration sent with a new referral, and its request.

    The referral itself carries the key (referrals.idempotency_key, which makes the insert
    happen once); this row keeps what only the API knows: a hash of the request body the key
    first came with, so the same key with another body is refused instead of answered with
    the first referral. Only the hash: the body's contact details stay in the referral alone.
    """

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    # As the referral stores it: portal.api.referral_routes.stored_idempotency_key.
    key: Mapped[str] = mapped_column(sa.String(32))
    # SHA-256 of the canonical JSON of the validated body (portal/api/idempotency.py).
    body_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
