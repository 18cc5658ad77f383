"""Which onboarding steps an organisation has completed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class ChecklistProgress(Model):
    """A completed `acknowledge` or `staff` step; the other kinds are computed."""

    __tablename__ = "checklist_progress"
    __table_args__ = (sa.UniqueConstraint("organization_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    step_id: Mapped[str] = mapped_column(sa.String(100))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
