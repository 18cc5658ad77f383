"""Organisations, users, invites and password-reset tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class Role(StrEnum):
    PARTNER_USER = "partner_user"
    PARTNER_ADMIN = "partner_admin"
    STAFF = "staff"
    ADMIN = "admin"


PARTNER_ROLES = frozenset({Role.PARTNER_USER, Role.PARTNER_ADMIN})
STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


class OrgStatus(StrEnum):
    INVITED = "invited"
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    SUSPENDED = "suspended"


def new_session_token() -> str:
    """A random token that identifies a user's sessions; rotating it signs them all out."""
    return secrets.token_urlsafe(32)


class Organization(Model):
    __tablename__ = "organizations"
    # Lead routing narrows partners by the lead's region first (migration 0023).
    __table_args__ = (sa.Index("ix_organizations_region_status", "region", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    partner_type: Mapped[str] = mapped_column(sa.String(50))
    tier: Mapped[str] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(20), default=OrgStatus.INVITED, index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    # One of program.yml's regions; None until the partner team sets it.
    region: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    users: Mapped[list[User]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.status}>"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Flask-Login's id: rotating it (password change, deactivation) ends every session.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship(back_populates="users")

    def get_id(self) -> str:
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        if not self.password_hash:  # invited, not yet accepted: no password signs in
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def is_partner_admin(self) -> bool:
        return self.role == Role.PARTNER_ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_sign_in(self) -> bool:
        """Deactivated users and members of suspended organisations cannot sign in.

        A user without a password may still sign in: single sign-on creates such accounts
        (their identity provider vouches for them); `check_password` refuses every password.
        """
        if not self.active:
            return False
        org = self.organization
        return org is None or org.status != OrgStatus.SUSPENDED

    @hybrid_property
    def display_name(self) -> str:
        """How pages and e-mails name a person: their name, or their e-mail when they gave none."""
        return self.name or self.email

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> sa.ColumnElement[str]:
        # The same rule in SQL, for lists that select the label rather than the user.
        return sa.func.coalesce(sa.func.nullif(cls.name, ""), cls.email)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email.split("@")[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class Invite(Model):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    # Only a hash of the token is stored: a database leak does not leak usable links.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship()
    invited_by: Mapped[User | None] = relationship()


class PasswordReset(Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
