"""Compliance documents: what an organisation has on file, and a partner admin's upload.

The documents each partner type must keep come from program.yml `compliance`
(portal/content/model_compliance.py). Every upload is a new version; the newest approved
version is the one on file, current through its expiry day. A new upload replaces a version
still waiting for review (the partner team reviews only the newest). The partner team's
decisions are in document_review.py, the expiry reminders in document_reminders.py.

Plain functions over the session (no request, no commit): the view commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.compliance.models import FILE_NAME_MAX, ComplianceDocument, DocumentStatus
from portal.content.model_compliance import ComplianceDocumentType, ComplianceRules
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import JPEG, PDF, PNG, UploadStorage, new_upload_key, sniff

__all__ = [
    "DOCUMENT_KINDS",
    "DocumentFile",
    "DocumentState",
    "UploadRefused",
    "can_upload",
    "check_document_file",
    "document_states",
    "org_documents",
    "org_documents_current",
    "orgs_documents_current",
    "upload_document",
]

# What a tax form or a certificate arrives as: a PDF, or a photo or scan of the paper.
DOCUMENT_KINDS = (PDF, PNG, JPEG)
KINDS_TEXT = ", ".join(kind.label for kind in DOCUMENT_KINDS)


class UploadRefused(ValueError):
    """The file or the upload is refused; the message says why, for the form."""


@dataclass(frozen=True)
class DocumentFile:
    """An uploaded file as checked: its bytes, the type its content says, a name to show."""

    data: bytes
    media_type: str
    extension: str
    file_name: str


@dataclass(frozen=True)
class DocumentState:
    """Where an organisation stands with one required document on `today`.

    `on_file` is the newest approved version (it may have expired), `waiting` the version
    waiting for review, `rejected` the newest upload when the partner team turned it down
    (and nothing newer came after it).
    """

    document_type: ComplianceDocumentType
    today: date
    on_file: ComplianceDocument | None = None
    waiting: ComplianceDocument | None = None
    rejected: ComplianceDocument | None = None

    @property
    def expires_on(self) -> date | None:
        return self.on_file.expires_on if self.on_file is not None else None

    @property
    def is_current(self) -> bool:
        """An approved version is on file and has not expired (its expiry day still counts)."""
        return self.on_file is not None and (
            self.expires_on is None or self.today <= self.expires_on
        )

    @property
    def status(self) -> str:
        """current, expiring, waiting, expired, rejected or missing."""
        if self.is_current:
            remind_from = self.document_type.reminder_days
            expiring = self.expires_on is not None and (
                (self.expires_on - self.today).days < remind_from
            )
            return "expiring" if expiring else "current"
        if self.waiting is not None:
            return "waiting"
        if self.on_file is not None:
            return "expired"
        return "rejected" if self.rejected is not None else "missing"

    @property
    def label(self) -> str:
        """The state in a few words, for badges."""
        status, until = self.status, self.expires_on
        if status == "current":
            return f"Current until {until:%-d %b %Y}" if until else "Current"
        if status == "expiring":
            return f"Expires {until:%-d %b %Y}"
        if status == "expired":
            return f"Expired {until:%-d %b %Y}"
        return {"waiting": "Waiting for review", "rejected": "Rejected"}.get(status, "Missing")

    @property
    def tone(self) -> str:
        """The badge's colour: ok, warn or bad."""
        return {"current": "ok", "expiring": "warn", "waiting": "warn"}.get(self.status, "bad")


def check_document_file(data: bytes, file_name: str, limit: int) -> DocumentFile:
    """The file if it has at most `limit` bytes and its content is a PDF, PNG or JPEG."""
    if len(data) > limit:
        raise UploadRefused(f"The file is larger than {limit / (1024 * 1024):.3g} MB.")
    if not data:
        raise UploadRefused("The file is empty.")
    kind = sniff(data)
    if kind is None or kind not in DOCUMENT_KINDS:
        raise UploadRefused(f"Upload the document as one of these types: {KINDS_TEXT}.")
    return DocumentFile(
        data, kind.media_type, kind.extension, _shown_name(file_name, kind.extension)
    )


def _shown_name(file_name: str, extension: str) -> str:
    """The uploaded name for people to read, with the extension its content gives."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().rsplit(".", 1)[0]
    return f"{base[: FILE_NAME_MAX - 6] or 'document'}.{extension}"


def can_upload(user: User, org: Organization) -> bool:
    """Only an active partner admin of the organisation files its compliance documents."""
    return user.is_partner_admin and user.active and user.organization_id == org.id


def upload_document(
    user: User,
    org: Organization,
    document_type: ComplianceDocumentType,
    upload: DocumentFile,
    storage: UploadStorage,
) -> ComplianceDocument:
    """Store the file and add it as the document's next version, waiting for review; audited.

    A version still waiting is replaced by this one. Raises UploadRefused for anyone but a
    partner admin, or a document the organisation's partner type does not keep. No commit.
    """
    if not can_upload(user, org):
        raise UploadRefused("Only a partner admin of the organisation can upload documents.")
    if not document_type.applies_to(org.partner_type):
        raise UploadRefused("Your organisation does not need to file this document.")
    key = new_upload_key(upload.extension)
    storage.put(key, upload.data, upload.media_type)
    newest = db.session.scalar(
        sa.select(sa.func.max(ComplianceDocument.version)).where(
            ComplianceDocument.organization_id == org.id,
            ComplianceDocument.document_type == document_type.id,
        )
    )
    db.session.execute(
        sa.update(ComplianceDocument)
        .where(
            ComplianceDocument.organization_id == org.id,
            ComplianceDocument.document_type == document_type.id,
            ComplianceDocument.status == DocumentStatus.WAITING.value,
        )
        .values(status=DocumentStatus.REPLACED.value)
    )
    document = ComplianceDocument(
        organization_id=org.id,
        document_type=document_type.id,
        version=(newest or 0) + 1,
        status=DocumentStatus.WAITING.value,
        storage_key=key,
        file_name=upload.file_name,
        media_type=upload.media_type,
        size_bytes=len(upload.data),
        uploaded_by_id=user.id,
        uploaded_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()  # the unique version: a simultaneous upload fails here, not later
    record_audit(
        user,
        "compliance.document_uploaded",
        "compliance_document",
        document.id,
        organization_id=org.id,
        after={
            "document": document_type.name,
            "version": document.version,
            "file_name": document.file_name,
        },
    )
    return document


def org_documents(org_id: int) -> list[ComplianceDocument]:
    """Every version of every document of the organisation, newest first."""
    return list(
        db.session.scalars(
            sa.select(ComplianceDocument)
            .where(ComplianceDocument.organization_id == org_id)
            .order_by(ComplianceDocument.uploaded_at.desc(), ComplianceDocument.id.desc())
        )
    )


def document_states(
    org: Organization, rules: ComplianceRules, today: date | None = None
) -> list[DocumentState]:
    """The state of each document the organisation's partner type must keep (program order)."""
    today = today or utcnow().date()
    required = rules.required_for(org.partner_type)
    if not required:
        return []
    by_type: dict[str, list[ComplianceDocument]] = defaultdict(list)
    for document in db.session.scalars(
        sa.select(ComplianceDocument)
        .where(
            ComplianceDocument.organization_id == org.id,
            ComplianceDocument.document_type.in_([d.id for d in required]),
        )
        .order_by(ComplianceDocument.version.desc())
    ):
        by_type[document.document_type].append(document)
    return [_state(kind, by_type.get(kind.id, []), today) for kind in required]


def _state(
    kind: ComplianceDocumentType, newest_first: list[ComplianceDocument], today: date
) -> DocumentState:
    approved = [d for d in newest_first if d.status == DocumentStatus.APPROVED]
    # The newest approved version still in force, else the newest approved one (expired).
    in_force = (d for d in approved if d.expires_on is None or today <= d.expires_on)
    on_file = next(in_force, approved[0] if approved else None)
    waiting = next((d for d in newest_first if d.status == DocumentStatus.WAITING), None)
    decided = [d for d in newest_first if d.status != DocumentStatus.REPLACED]
    rejected = decided[0] if decided and decided[0].status == DocumentStatus.REJECTED else None
    return DocumentState(kind, today, on_file, waiting, rejected)


def org_documents_current(org: Organization, rules: ComplianceRules, today: date) -> bool:
    """True when every document the organisation must keep is approved and unexpired."""
    return org.id in orgs_documents_current([(org.id, org.partner_type)], rules, today)


def orgs_documents_current(
    orgs: Iterable[tuple[int, str]], rules: ComplianceRules, today: date
) -> frozenset[int]:
    """Of these (organisation id, partner type) pairs, the organisations whose required
    documents are all current on `today`: one statement for any number of them."""
    pairs = dict(orgs)
    if not pairs:
        return frozenset()
    kinds = [d.id for d in rules.documents]
    on_file: dict[int, set[str]] = defaultdict(set)
    if kinds:
        rows = db.session.execute(
            sa.select(ComplianceDocument.organization_id, ComplianceDocument.document_type)
            .where(
                ComplianceDocument.organization_id.in_(sorted(pairs)),
                ComplianceDocument.document_type.in_(kinds),
                ComplianceDocument.status == DocumentStatus.APPROVED.value,
                sa.or_(
                    ComplianceDocument.expires_on.is_(None),
                    ComplianceDocument.expires_on >= today,
                ),
            )
            .distinct()
        )
        for org_id, kind in rows:
            on_file[org_id].add(kind)
    return frozenset(
        org_id
        for org_id, partner_type in pairs.items()
        if {d.id for d in rules.required_for(partner_type)} <= on_file[org_id]
    )
