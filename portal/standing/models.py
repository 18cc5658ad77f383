"""What the daily tier evaluation keeps: each organisation's status, the staff review queue,
attested facts, the tier history and the runs themselves."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization, User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import db


class TierStatus(db.Model):
    """One row per organisation: what the evaluation last found, and its grace period.

    The evaluation locks these rows (SELECT ... FOR UPDATE SKIP LOCKED), so machines running
    it at once share the organisations out instead of judging one twice; `evaluated_on` makes
    a second run on the same day a no-op.
    """

    __tablename__ = "tier_statuses"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    evaluated_on: Mapped[date | None] = mapped_column(sa.Date)
    qualified_tier: Mapped[str | None] = mapped_column(sa.String(50))
    # The organisation's tier when last evaluated or decided: a different tier now means the
    # partner team changed it by hand in between.
    tier_seen: Mapped[str | None] = mapped_column(sa.String(50))
    # While below its tier: the tier kept, and the grace period's first and last day.
    grace_tier: Mapped[str | None] = mapped_column(sa.String(50))
    grace_started_on: Mapped[date | None] = mapped_column(sa.Date)
    grace_ends_on: Mapped[date | None] = mapped_column(sa.Date)

    organization: Mapped[Organization] = relationship()

    @property
    def in_grace(self) -> bool:
        return self.grace_tier is not None

    def end_grace(self) -> None:
        self.grace_tier = self.grace_started_on = self.grace_ends_on = None


class ReviewStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the evaluation found it no longer applies


class ReviewDirection(StrEnum):
    UP = "up"
    DOWN = "down"


class TierReview(db.Model):
    """A tier change waiting for the partner team: an upgrade (when the program asks for
    approval) or a downgrade at the end of a grace period."""

    __tablename__ = "tier_reviews"
    __table_args__ = (
        # One open review per organisation, decided by the database.
        sa.Index(
            "uq_tier_reviews_one_open",
            "organization_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_tier_reviews_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    direction: Mapped[str] = mapped_column(sa.String(10))
    from_tier: Mapped[str] = mapped_column(sa.String(50))
    to_tier: Mapped[str] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(10), default=ReviewStatus.OPEN)
    # Why: the labels of the criteria met (up) or missing (down) when it was opened.
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class AttestedFactRecord(db.Model):
    """A fact the partner team recorded for an organisation ("QBR attended on 3 March")."""

    __tablename__ = "attested_facts"
    __table_args__ = (sa.Index("ix_attested_facts_org_fact", "organization_id", "fact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    fact: Mapped[str] = mapped_column(sa.String(100))
    attested_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class HistoryKind(StrEnum):
    UPGRADED = "upgraded"  # automatically, when the program needs no approval
    UPGRADE_PROPOSED = "upgrade_proposed"
    DOWNGRADE_PROPOSED = "downgrade_proposed"
    GRACE_STARTED = "grace_started"
    GRACE_ENDED = "grace_ended"  # meets its tier again
    REVIEW_APPROVED = "review_approved"
    REVIEW_DECLINED = "review_declined"
    REVIEW_WITHDRAWN = "review_withdrawn"
    CHANGED_BY_HAND = "changed_by_hand"  # the partner team set the tier on the org page
    FACT_RECORDED = "fact_recorded"


class TierHistoryEntry(db.Model):
    """One line of an organisation's tier history.

    Entries the daily evaluation writes carry its day (`run_on`): one of each kind per
    organisation and day, decided by the database.
    """

    __tablename__ = "tier_history"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "kind", "run_on"),
        sa.Index("ix_tier_history_org_id", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    from_tier: Mapped[str | None] = mapped_column(sa.String(50))
    to_tier: Mapped[str | None] = mapped_column(sa.String(50))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the portal
    run_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()


class TierEvaluationRun(db.Model):
    """A day's evaluation: when it started and finished, and what it did (all machines')."""

    __tablename__ = "tier_evaluation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_on: Mapped[date] = mapped_column(sa.Date, unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    organizations: Mapped[int] = mapped_column(default=0)
    changes: Mapped[int] = mapped_column(default=0)
