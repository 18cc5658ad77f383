"""The partner team's review of a compliance document: approve it (with its expiry date when
the document expires) or reject it with a reason.

Each decision takes the document's row lock and checks it still waits, so two reviewers at
once cannot both decide; it is audited, and the organisation's partner admins are e-mailed in
the same transaction. Plain functions over the session: the view commits once.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, Role, User
from portal.audit.service import record_audit
from portal.compliance.models import REASON_MAX, ComplianceDocument, DocumentStatus
from portal.content.model import Program
from portal.content.model_compliance import ComplianceDocumentType
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.signals import compliance_document_approved

__all__ = [
    "MAX_VALID_YEARS",
    "AlreadyDecided",
    "ReviewRefused",
    "approve_document",
    "partner_admins",
    "reject_document",
    "suggested_expiry",
    "waiting_documents",
]

MAX_VALID_YEARS = 10  # an expiry further ahead is a typo


class ReviewRefused(ValueError):
    """The decision cannot be taken as given (a wrong date, no reason)."""


class AlreadyDecided(ReviewRefused):
    """Someone decided first, or a newer upload replaced the version."""


def suggested_expiry(kind: ComplianceDocumentType | None, today: date) -> date | None:
    """The expiry date the approval form offers: `valid_days` from today, if the type sets it."""
    if kind is None or not kind.expires or kind.valid_days is None:
        return None
    return today + timedelta(days=kind.valid_days)


def _lock_waiting(document_id: int) -> ComplianceDocument:
    found = db.session.scalar(
        sa.select(ComplianceDocument)
        .where(ComplianceDocument.id == document_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise AlreadyDecided("The document no longer exists.")
    if found.status != DocumentStatus.WAITING:
        raise AlreadyDecided("This version was already reviewed or replaced by a newer upload.")
    return found


def approve_document(
    reviewer: User, document_id: int, expires_on: date | None, program: Program
) -> ComplianceDocument:
    """Approve a waiting version; a document that expires needs an expiry date after today."""
    document = _lock_waiting(document_id)
    kind = program.compliance.document(document.document_type)
    today = utcnow().date()
    if kind is None or not kind.expires:
        expires_on = None
    elif expires_on is None:
        raise ReviewRefused("Give the day this document expires.")
    elif expires_on <= today:
        raise ReviewRefused("The expiry date must be after today (an expired one is not current).")
    elif expires_on > today + timedelta(days=366 * MAX_VALID_YEARS):
        raise ReviewRefused(f"The expiry date must be within {MAX_VALID_YEARS} years.")
    document.status = DocumentStatus.APPROVED.value
    document.expires_on = expires_on
    document.reviewed_by_id = reviewer.id
    document.reviewed_at = utcnow()
    db.session.flush()
    name = program.compliance.document_name(document.document_type)
    record_audit(
        reviewer,
        "compliance.document_approved",
        "compliance_document",
        document.id,
        organization_id=document.organization_id,
        before={"status": DocumentStatus.WAITING.value},
        after={
            "document": name,
            "version": document.version,
            "expires_on": expires_on.isoformat() if expires_on else "never",
        },
    )
    _email_decision(document, name, program, approved=True)
    compliance_document_approved.send(
        None,
        organization_id=document.organization_id,
        user=reviewer,
        document_type=document.document_type,
    )
    return document


def reject_document(
    reviewer: User, document_id: int, reason: str, program: Program
) -> ComplianceDocument:
    """Reject a waiting version with a reason the partner admins read."""
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise ReviewRefused("Say why the document is rejected: the partner reads it.")
    document = _lock_waiting(document_id)
    document.status = DocumentStatus.REJECTED.value
    document.rejection_reason = reason
    document.reviewed_by_id = reviewer.id
    document.reviewed_at = utcnow()
    name = program.compliance.document_name(document.document_type)
    record_audit(
        reviewer,
        "compliance.document_rejected",
        "compliance_document",
        document.id,
        organization_id=document.organization_id,
        before={"status": DocumentStatus.WAITING.value},
        after={"document": name, "version": document.version, "reason": reason},
    )
    _email_decision(document, name, program, approved=False)
    return document


def partner_admins(org_ids: list[int]) -> dict[int, list[User]]:
    """The active partner admins of each organisation (one statement)."""
    if not org_ids:
        return {}
    found: dict[int, list[User]] = {}
    for user in db.session.scalars(
        sa.select(User)
        .where(
            User.organization_id.in_(org_ids),
            User.role == Role.PARTNER_ADMIN.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    ):
        assert user.organization_id is not None
        found.setdefault(user.organization_id, []).append(user)
    return found


def _email_decision(
    document: ComplianceDocument, name: str, program: Program, *, approved: bool
) -> None:
    org = db.session.get(Organization, document.organization_id)
    if org is None:
        return
    subject = (
        f"{name} approved for {org.name}" if approved else f"{name} for {org.name} was not accepted"
    )
    for admin in partner_admins([org.id]).get(org.id, []):
        queue_email(
            admin.email,
            "compliance_document_decision",
            subject,
            recipient_name=admin.first_name,
            organization_name=org.name,
            program_name=program.name,
            document_name=name,
            approved=approved,
            expires_on=document.expires_on,
            reason=document.rejection_reason or "",
        )


def waiting_documents(limit: int = 200) -> list[tuple[ComplianceDocument, str]]:
    """Versions waiting for review, oldest first, with their organisation's name."""
    return [
        (document, org_name)
        for document, org_name in db.session.execute(
            sa.select(ComplianceDocument, Organization.name)
            .join(Organization, Organization.id == ComplianceDocument.organization_id)
            .where(ComplianceDocument.status == DocumentStatus.WAITING.value)
            .order_by(ComplianceDocument.uploaded_at, ComplianceDocument.id)
            .limit(limit)
        )
    ]
