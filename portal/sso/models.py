"""Single sign-on: an identity provider per organisation (or the partner team's own), the
e-mail domains it answers for, and the provider identities linked to users."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model

# SsoProvider.owner of the partner team's own provider (its users have no organisation).
STAFF_OWNER = "staff"


def owner_key(organization_id: int | None) -> str:
    """The unique `owner` of a provider: one per organisation and one for the partner team."""
    return STAFF_OWNER if organization_id is None else f"org:{organization_id}"


class SsoProvider(Model):
    """An OpenID Connect provider people of one organisation (or staff) sign in through."""

    __tablename__ = "sso_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the partner team's provider (staff accounts).
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    # "org:<id>" or "staff": unique, so each organisation (and the team) has at most one.
    owner: Mapped[str] = mapped_column(sa.String(30), unique=True)
    issuer: Mapped[str] = mapped_column(sa.String(300))
    client_id: Mapped[str] = mapped_column(sa.String(200))
    # Fernet token under a key derived from SECRET_KEY (portal/sso/secret_box.py); the secret
    # itself is never shown again.
    client_secret_encrypted: Mapped[str] = mapped_column(sa.Text(), default="")
    enabled: Mapped[bool] = mapped_column(default=False)
    # Just-in-time provisioning: a first sign-in creates the user with the default role.
    jit_provisioning: Mapped[bool] = mapped_column(default=False)
    # Only with `enabled`: the organisation's people must sign in through the provider.
    password_login_disabled: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    domains: Mapped[list[SsoDomain]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="SsoDomain.domain"
    )

    @property
    def domain_names(self) -> list[str]:
        return [row.domain for row in self.domains]


class SsoDomain(Model):
    """An e-mail domain routed to a provider; unique, so one organisation claims it."""

    __tablename__ = "sso_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sso_providers.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
    # How the claim was verified: "admin_email" (the partner admin's own address is at it),
    # "website" (the organisation's website, set by staff) or "staff" (staff claimed it).
    verified_by: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    provider: Mapped[SsoProvider] = relationship(back_populates="domains")


class SsoIdentity(Model):
    """A provider's subject (`sub`) linked to the user it signed in: later sign-ins match it."""

    __tablename__ = "sso_identities"
    __table_args__ = (sa.UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("sso_providers.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
