"""Audit entries (who changed what) and activity events (engagement indicators)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model

if TYPE_CHECKING:
    # Audit sits below the features: it names the user table, it does not import accounts.
    from portal.accounts.models import User


class AuditEntry(Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the system itself acted (e.g. activation after a certificate was issued).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(50))
    target_id: Mapped[str] = mapped_column(sa.String(64))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship("User")


class ActivityEvent(Model):
    __tablename__ = "activity_events"
    __table_args__ = (
        # (organization_id, kind) lookups use ix_activity_events_org_kind_created, declared
        # beside the scorecard's queries (portal/scorecard/indexes.py): its prefix serves them.
        # Engagement figures count events in a period.
        sa.Index("ix_activity_events_created", "created_at"),
        # Events recorded at most once a day (content views) carry their day: a second view
        # of the same document on the same day is refused by the database, however many
        # requests race.
        sa.Index(
            "uq_activity_events_once_a_day",
            "user_id",
            "kind",
            "subject",
            "day",
            unique=True,
            sqlite_where=sa.text("day IS NOT NULL"),
            postgresql_where=sa.text("day IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The UTC day, for kinds recorded at most once a day per user and subject; else None.
    day: Mapped[date | None] = mapped_column(sa.Date)
