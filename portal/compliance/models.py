"""The partner agreement's acceptances and reminders; compliance documents (a tax form, an
insurance certificate), their reviews and the reminders sent before they expire."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model

SIGNER_NAME_MAX = 120
DOCUMENT_TYPE_MAX = 50  # program.yml ids (portal/content/program_compliance.py ID_MAX)
FILE_NAME_MAX = 200
REASON_MAX = 2000


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


class DocumentStatus(StrEnum):
    WAITING = "waiting"  # uploaded, waits for the partner team's review
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer upload came before the review: only the newest is reviewed


class ComplianceDocument(Model):
    """One uploaded version of a compliance document of one organisation.

    Every upload is a new row (`version` counts per organisation and document type; the
    database refuses a second row with the same number) and none is ever replaced: the
    newest approved version that has not expired is the one on file. The file itself is in
    the upload storage under a generated key (`kits.api`).
    """

    __tablename__ = "compliance_documents"
    __table_args__ = (
        sa.UniqueConstraint(
            "organization_id", "document_type", "version", name="uq_compliance_document_version"
        ),
        sa.Index("ix_compliance_documents_status_uploaded", "status", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    document_type: Mapped[str] = mapped_column(sa.String(DOCUMENT_TYPE_MAX))
    version: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), default=DocumentStatus.WAITING.value)
    storage_key: Mapped[str] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.String(FILE_NAME_MAX))
    media_type: Mapped[str] = mapped_column(sa.String(100))  # sniffed, not declared
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_on: Mapped[date | None] = mapped_column(sa.Date)  # approved ones that expire
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class ComplianceDocumentReminder(Model):
    """An e-mail about an approved document's expiry, sent once per document version and kind.

    Kinds: `expiring` (the document type's reminder_days before it expires) and `expired`.
    The unique constraint is what makes `flask compliance remind` never send one twice.
    """

    __tablename__ = "compliance_document_reminders"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "kind", name="uq_compliance_document_reminder_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("compliance_documents.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
