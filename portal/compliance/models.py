"""The partner agreement's acceptances, and the reminders sent about a new version."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model

SIGNER_NAME_MAX = 120


class AgreementAcceptance(Model):
    """A partner admin accepted one version of the partner agreement for their organisation.

    One row per organisation and version (the database decides, so a double click or two
    admins at once record it once); the signer's typed name is kept as they typed it.
    """

    __tablename__ = "agreement_acceptances"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "version", name="uq_agreement_acceptance_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    accepted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(sa.String(SIGNER_NAME_MAX))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    accepted_by: Mapped[User] = relationship()


class AgreementReminder(Model):
    """An e-mail asking an organisation's admins to accept a version, sent once per kind.

    Kinds: `new_version` (the first notice) and `due_soon` (the last week before it binds).
    The unique constraint is what makes `flask compliance remind` never send one twice.
    """

    __tablename__ = "agreement_reminders"
    __table_args__ = (
        sa.UniqueConstraint(
            "organization_id", "version", "kind", name="uq_agreement_reminder_once"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
