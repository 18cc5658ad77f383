"""Co-marketing pieces submitted for approval, their versions and the decisions on them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization, User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class PieceStatus(StrEnum):
    SUBMITTED = "submitted"  # waits for the partner team (the SLA clock runs)
    CHANGES_REQUESTED = "changes_requested"  # waits for the partner's next version
    APPROVED = "approved"
    REJECTED = "rejected"


STATUS_LABELS = {
    PieceStatus.SUBMITTED: "Awaiting review",
    PieceStatus.CHANGES_REQUESTED: "Changes requested",
    PieceStatus.APPROVED: "Approved",
    PieceStatus.REJECTED: "Rejected",
}


class Channel(StrEnum):
    EMAIL = "email"
    WEB_PAGE = "web_page"
    SOCIAL_POST = "social_post"
    EVENT = "event"
    PRESS_RELEASE = "press_release"
    OTHER = "other"


CHANNEL_LABELS = {
    Channel.EMAIL: "E-mail",
    Channel.WEB_PAGE: "Web page",
    Channel.SOCIAL_POST: "Social post",
    Channel.EVENT: "Event",
    Channel.PRESS_RELEASE: "Press release",
    Channel.OTHER: "Other",
}


class DecisionKind(StrEnum):
    """What happened to a piece: the partner's timeline and the staff review's history."""

    SUBMITTED = "submitted"
    NEW_VERSION = "new_version"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class ComarketingPiece(Model):
    __tablename__ = "comarketing_pieces"
    __table_args__ = (
        # The staff queue: one state, soonest due first, keyset-paged on (due_at, id).
        sa.Index("ix_comarketing_pieces_queue", "status", "due_at", "id"),
        # A partner's list, newest first, keyset-paged on id.
        sa.Index("ix_comarketing_pieces_org", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    channel: Mapped[str] = mapped_column(sa.String(20))
    planned_on: Mapped[date] = mapped_column(sa.Date)
    kit_id: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(20), default=PieceStatus.SUBMITTED)
    version_count: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The review SLA: the latest version's submission + governance.approval_hours, counted on
    # the program's business-hours calendar (UTC).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given on approval; what the partner quotes (CM-2026-7KQD-M2XA).
    approval_reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User] = relationship()

    @property
    def is_awaiting_review(self) -> bool:
        return self.status == PieceStatus.SUBMITTED

    def __repr__(self) -> str:
        return f"<ComarketingPiece {self.id} {self.title!r} {self.status}>"


class ComarketingVersion(Model):
    """One version of a piece: a stored file (under a generated key) or a URL. Never changed."""

    __tablename__ = "comarketing_versions"
    __table_args__ = (sa.UniqueConstraint("piece_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(sa.ForeignKey("comarketing_pieces.id"))
    number: Mapped[int] = mapped_column()
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    storage_key: Mapped[str | None] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")  # as uploaded, shown only
    media_type: Mapped[str] = mapped_column(sa.String(100), default="")  # sniffed, not declared
    size_bytes: Mapped[int | None] = mapped_column()
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    note: Mapped[str] = mapped_column(sa.Text, default="")  # what changed, from the partner
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submitted_by: Mapped[User] = relationship()


class ComarketingDecision(Model):
    """One entry on a piece's timeline: a submission, a new version or a staff decision."""

    __tablename__ = "comarketing_decisions"
    __table_args__ = (
        sa.Index("ix_comarketing_decisions_piece", "piece_id", "id"),
        # The staff organisation page's history, newest first.
        sa.Index("ix_comarketing_decisions_org", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(sa.ForeignKey("comarketing_pieces.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    version_number: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()
