"""The public partner directory: published profiles, changes waiting for staff, contacts.

A profile's list fields (regions, countries, industries, services, languages, certified
paths) are stored as `|id|id|` text so one indexed-free `LIKE '%|id|%'` filters them on
SQLite and PostgreSQL alike; at directory size (thousands of rows) that scan is a few
milliseconds (bench/directory.py measures it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization, User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model

DESCRIPTION_MAX = 4000
WEBSITE_MAX = 300
LIST_TEXT_MAX = 2000
SLUG_MAX = 80
LOGO_KEY_MAX = 100
REASON_MAX = 500
SEARCH_TEXT_MAX = 6000
NONCE_MAX = 32


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # the partner sent a newer change before staff decided


def join_ids(ids: list[str] | tuple[str, ...]) -> str:
    """Ids as stored: `|a|b|` ("" for none), so `|a|` matches exactly one id."""
    return f"|{'|'.join(ids)}|" if ids else ""


def split_ids(text: str) -> list[str]:
    """The ids of a stored `|a|b|` text."""
    return [part for part in text.split("|") if part]


class DirectoryProfile(Model):
    """An organisation's published directory profile, and its listing figures.

    The published fields change only when staff approve a change (profiles.approve). The
    figures (`certified_total`, `certified_by_path`, `accepted_referrals`) are the listing
    row the directory sorts by: `flask directory refresh` (daily cron) and every approval
    recompute them, so `counts_refreshed_at` says how fresh they are.
    """

    __tablename__ = "directory_profiles"
    __table_args__ = (sa.Index("ix_directory_profiles_listed", "listed"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    listed: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(WEBSITE_MAX), default="")
    regions: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    countries: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    industries: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    services: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    languages: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    logo_key: Mapped[str | None] = mapped_column(sa.String(LOGO_KEY_MAX))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    certified_total: Mapped[int] = mapped_column(default=0)
    certified_paths: Mapped[str] = mapped_column(sa.String(LIST_TEXT_MAX), default="")
    certified_by_path: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    accepted_referrals: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    counts_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()


class DirectoryProfileChange(Model):
    """A change a partner admin proposed to the profile; it goes live when staff approve it.

    `proposed` holds every published field as the partner wants it (the diff is computed
    against the profile at display time). At most one change per organisation is pending.
    """

    __tablename__ = "directory_profile_changes"
    __table_args__ = (
        sa.Index(
            "uq_directory_changes_one_pending",
            "organization_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_directory_changes_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    proposed: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default=ChangeStatus.PENDING)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="")

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])


class DirectoryContact(Model):
    """A visitor's "Contact this partner" message, accepted by the checks in contact.py.

    `lead_id` is the lead made from it (contact.hand_over);
    it has no foreign key yet because that table does not exist on this branch.
    """

    __tablename__ = "directory_contacts"
    __table_args__ = (
        sa.Index("ix_directory_contacts_org_created", "organization_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    company: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    country: Mapped[str] = mapped_column(sa.String(50))
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lead_id: Mapped[int | None] = mapped_column(sa.Integer)
    # The random id of the form token the message was sent with: a token sends one message
    # (contact.check_fill_time reads it, the unique index backs it).
    form_nonce: Mapped[str | None] = mapped_column(sa.String(NONCE_MAX), unique=True)
