"""Meetings the partner team logs with an organisation: an engagement indicator."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.content.model import MEETING_KINDS
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class MeetingKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    QBR = "qbr"
    JOINT_PLAN_REVIEW = "joint_plan_review"


# program.yml's attested facts name these kinds (`from_meetings`), checked by content check.
assert tuple(MeetingKind) == MEETING_KINDS

MEETING_KIND_NAMES: dict[str, str] = {
    MeetingKind.MEETING: "Meeting",
    MeetingKind.CALL: "Call",
    MeetingKind.QBR: "Quarterly business review",
    MeetingKind.JOINT_PLAN_REVIEW: "Joint business plan review",
}


class Meeting(Model):
    """A meeting, call, QBR or joint-plan review held with a partner organisation."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.Index("ix_meetings_org_held", "organization_id", "held_on"),
        sa.Index("ix_meetings_held", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    held_on: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User | None] = relationship()

    @property
    def kind_name(self) -> str:
        return MEETING_KIND_NAMES.get(self.kind, self.kind)
