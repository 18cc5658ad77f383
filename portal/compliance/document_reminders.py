"""Reminders about compliance documents that expire: e-mails to the organisation's partner
admins `reminder_days` (program.yml, default 30) before the expiry day, and once it has passed.

Each approved version gets each reminder at most once: a ComplianceDocumentReminder row is the
claim, inserted with ON CONFLICT DO NOTHING in the same transaction as the e-mails, so a rerun
(or two runs at once) never sends the same reminder twice. Only the version on file is
reminded about: nothing once a newer version is approved or while one waits for review, and
nothing for organisations that left the program or documents their type no longer keeps.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, User
from portal.compliance.document_review import partner_admins
from portal.compliance.models import (
    ComplianceDocument,
    ComplianceDocumentReminder,
    DocumentStatus,
)
from portal.content.model import Program
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email

__all__ = ["EXPIRED", "EXPIRING", "send_document_reminders"]

EXPIRING, EXPIRED = "expiring", "expired"
REMINDED_STATUSES = (OrgStatus.ONBOARDING.value, OrgStatus.ACTIVE.value)


def send_document_reminders(program: Program, today: date | None = None) -> int:
    """Queue the document reminders due today; how many e-mails. Adds to the session only."""
    rules = program.compliance
    if not rules.documents:
        return 0
    today = today or utcnow().date()
    horizon = today + timedelta(days=max(d.reminder_days for d in rules.documents))
    newer = sa.orm.aliased(ComplianceDocument)
    superseded = (
        sa.select(newer.id)
        .where(
            newer.organization_id == ComplianceDocument.organization_id,
            newer.document_type == ComplianceDocument.document_type,
            newer.version > ComplianceDocument.version,
            newer.status.in_([DocumentStatus.APPROVED.value, DocumentStatus.WAITING.value]),
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(ComplianceDocument, Organization)
        .join(Organization, Organization.id == ComplianceDocument.organization_id)
        .where(
            ComplianceDocument.status == DocumentStatus.APPROVED.value,
            ComplianceDocument.expires_on.is_not(None),
            ComplianceDocument.expires_on <= horizon,
            ComplianceDocument.document_type.in_([d.id for d in rules.documents]),
            Organization.status.in_(REMINDED_STATUSES),
            ~superseded,
        )
        .order_by(ComplianceDocument.id)
    ).all()
    due = [
        (document, org, kind)
        for document, org in rows
        if (kind := _due_kind(document, org, program, today)) is not None
    ]
    admins = partner_admins(sorted({org.id for _d, org, _k in due}))
    queued = 0
    for document, org, kind in due:
        if admins.get(org.id) and _claim(document.id, kind):
            queued += _email_admins(document, org, admins[org.id], program, kind)
    return queued


def _due_kind(
    document: ComplianceDocument, org: Organization, program: Program, today: date
) -> str | None:
    kind = program.compliance.document(document.document_type)
    if kind is None or not kind.applies_to(org.partner_type) or document.expires_on is None:
        return None
    if today > document.expires_on:
        return EXPIRED
    if today >= document.expires_on - timedelta(days=kind.reminder_days):
        return EXPIRING
    return None


def _claim(document_id: int, kind: str) -> bool:
    """Record that this reminder goes out; False when it already has (by anyone)."""
    inserted = db.session.scalar(
        insert_for_dialect(ComplianceDocumentReminder)
        .values(document_id=document_id, kind=kind, sent_at=utcnow())
        .on_conflict_do_nothing(index_elements=["document_id", "kind"])
        .returning(ComplianceDocumentReminder.id)
    )
    return inserted is not None


def _email_admins(
    document: ComplianceDocument, org: Organization, admins: list[User], program: Program, kind: str
) -> int:
    name = program.compliance.document_name(document.document_type)
    assert document.expires_on is not None
    day = document.expires_on.strftime("%d %B %Y")
    subject = (
        f"{org.name}: your {name} expires on {day}"
        if kind == EXPIRING
        else f"{org.name}: your {name} expired on {day}"
    )
    for admin in admins:
        queue_email(
            admin.email,
            "compliance_document_reminder",
            subject,
            recipient_name=admin.first_name,
            organization_name=org.name,
            program_name=program.name,
            document_name=name,
            expires_on=document.expires_on,
            expired=kind == EXPIRED,
        )
    return len(admins)
