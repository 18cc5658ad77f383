"""The rules of a co-marketing piece: submission, new versions and the partner team's decisions.

Plain functions over the session; no request. Each adds to the session and never commits: the
view commits once, so a decision, its timeline entry, its audit entry and its e-mail exist
together or not at all. Every staff decision and every new version first takes the piece's row
lock and checks its state, so two people clicking at once cannot both decide.

A file is stored (under a generated key) before the row that points to it is committed; if the
commit then fails, the file stays unreferenced in the storage and nothing shows it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.comarketing.models import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    ComarketingDecision,
    ComarketingPiece,
    ComarketingVersion,
    DecisionKind,
    PieceStatus,
)
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import UPLOAD_KINDS, UploadStorage, new_upload_key, sniff
from portal.notify.outbox import queue_email
from portal.referrals.api import add_sla_hours

__all__ = [
    "COMMENT_MAX",
    "FILE_NAME_MAX",
    "NOTE_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "DecisionRefused",
    "Submission",
    "Upload",
    "UploadRefused",
    "add_version",
    "approval_reference",
    "check_upload",
    "decide",
    "due_at",
    "lock_piece",
    "submit_piece",
]

TITLE_MAX = 200
COMMENT_MAX = 4000
NOTE_MAX = 2000
URL_MAX = 2000
FILE_NAME_MAX = 200
# Crockford's base32 without I, L, O, U: read aloud or typed from a print-out without doubt.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_ATTEMPTS = 5
ACCEPTED_TEXT = ", ".join(kind.label for kind in UPLOAD_KINDS)


class UploadRefused(ValueError):
    """The file is not one the portal accepts (its message says why, for the form)."""


class DecisionRefused(ValueError):
    """The piece is not in a state that allows this (someone else acted first)."""


@dataclass(frozen=True)
class Upload:
    """A file as checked: its bytes, what its content says it is, and the name it came with."""

    data: bytes
    media_type: str
    extension: str
    file_name: str


@dataclass(frozen=True)
class Submission:
    """What a partner submits: the piece's details and its first version (file or URL)."""

    title: str
    channel: str
    planned_on: date
    kit_id: str | None
    upload: Upload | None
    url: str | None


def check_upload(data: bytes, file_name: str, limit: int) -> Upload:
    """The file if it is within `limit` bytes and one of the accepted types, by its content."""
    if len(data) > limit:
        raise UploadRefused(f"The file is larger than {limit // (1024 * 1024)} MB.")
    if not data:
        raise UploadRefused("The file is empty.")
    kind = sniff(data)
    if kind is None:
        raise UploadRefused(f"This file is not one of the accepted types: {ACCEPTED_TEXT}.")
    return Upload(data, kind.media_type, kind.extension, _shown_name(file_name, kind.extension))


def _shown_name(file_name: str, extension: str) -> str:
    """The uploaded name for people to read; its extension is the one the content gives."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().rsplit(".", 1)[0]
    return f"{base[: FILE_NAME_MAX - 6] or 'piece'}.{extension}"


def due_at(submitted_at: datetime, program: Program) -> datetime:
    """When the partner team's review is due: submission + governance.approval_hours, on the
    program's business-hours calendar like referrals' first response (elapsed without one)."""
    return add_sla_hours(submitted_at, program.governance.approval_hours, program)


def approval_reference(year: int) -> str:
    """A fresh reference to quote: CM-2026-7KQD-M2XA (40 random bits; unique in the table)."""
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"CM-{year}-{code[:4]}-{code[4:]}"


def submit_piece(
    user: User, submission: Submission, program: Program, storage: UploadStorage
) -> ComarketingPiece:
    """Add a piece with its first version and a timeline entry, audited; no commit."""
    assert user.organization_id is not None
    now = utcnow()
    piece = ComarketingPiece(
        organization_id=user.organization_id,
        submitted_by_id=user.id,
        title=submission.title,
        channel=submission.channel,
        planned_on=submission.planned_on,
        kit_id=submission.kit_id,
        status=PieceStatus.SUBMITTED,
        version_count=1,
        submitted_at=now,
        due_at=due_at(now, program),
    )
    db.session.add(piece)
    db.session.flush()
    _add_version(piece, 1, user, submission.upload, submission.url, "", storage)
    _timeline(piece, DecisionKind.SUBMITTED, user, "")
    record_audit(
        user,
        "comarketing.submitted",
        "comarketing_piece",
        piece.id,
        piece.organization_id,
        after={"title": piece.title, "channel": piece.channel, "status": piece.status},
    )
    return piece


def lock_piece(piece_id: int, organization_id: int | None = None) -> ComarketingPiece | None:
    """The piece, row-locked for a change (scoped to an organisation when given)."""
    stmt = sa.select(ComarketingPiece).where(ComarketingPiece.id == piece_id)
    if organization_id is not None:
        stmt = stmt.where(ComarketingPiece.organization_id == organization_id)
    return db.session.scalar(stmt.with_for_update())


def add_version(
    piece: ComarketingPiece,
    user: User,
    upload: Upload | None,
    url: str | None,
    note: str,
    program: Program,
    storage: UploadStorage,
) -> ComarketingVersion:
    """The partner's next version after a request for changes; the review clock starts again.

    Call with a piece from `lock_piece`. Raises DecisionRefused when no changes were asked for.
    """
    if piece.status != PieceStatus.CHANGES_REQUESTED:
        raise DecisionRefused("This piece is not waiting for a new version.")
    now = utcnow()
    piece.version_count += 1
    piece.status = PieceStatus.SUBMITTED
    piece.due_at = due_at(now, program)
    version = _add_version(piece, piece.version_count, user, upload, url, note, storage)
    _timeline(piece, DecisionKind.NEW_VERSION, user, note)
    record_audit(
        user,
        "comarketing.new_version",
        "comarketing_piece",
        piece.id,
        piece.organization_id,
        before={"status": PieceStatus.CHANGES_REQUESTED.value},
        after={"status": piece.status, "version": piece.version_count},
    )
    return version


def _add_version(
    piece: ComarketingPiece,
    number: int,
    user: User,
    upload: Upload | None,
    url: str | None,
    note: str,
    storage: UploadStorage,
) -> ComarketingVersion:
    if (upload is None) == (url is None):
        raise ValueError("a version is a file or a URL, exactly one")
    version = ComarketingVersion(
        piece_id=piece.id, number=number, submitted_by_id=user.id, url=url, note=note
    )
    if upload is not None:
        key = new_upload_key(upload.extension)
        storage.put(key, upload.data, upload.media_type)
        version.storage_key = key
        version.file_name = upload.file_name
        version.media_type = upload.media_type
        version.size_bytes = len(upload.data)
    db.session.add(version)
    return version


DECISIONS = {
    DecisionKind.APPROVED: PieceStatus.APPROVED,
    DecisionKind.CHANGES_REQUESTED: PieceStatus.CHANGES_REQUESTED,
    DecisionKind.REJECTED: PieceStatus.REJECTED,
}


def decide(
    piece: ComarketingPiece, staff: User, kind: DecisionKind, comment: str
) -> ComarketingDecision:
    """Approve, request changes or reject the piece's latest version; no commit.

    Call with a piece from `lock_piece`. Changes and a rejection need a comment (the partner
    reads it); an approval gives the piece its reference. The partner who submitted the piece
    is e-mailed. Raises DecisionRefused when the piece is not awaiting review.
    """
    if kind not in DECISIONS:
        raise ValueError(f"not a decision: {kind!r}")
    if piece.status != PieceStatus.SUBMITTED:
        state = STATUS_LABELS.get(PieceStatus(piece.status), piece.status).lower()
        raise DecisionRefused(f"This piece is no longer awaiting review: it is {state}.")
    if kind != DecisionKind.APPROVED and not comment.strip():
        raise DecisionRefused("Say what the partner should change, or why it is rejected.")
    before = piece.status
    now = utcnow()
    piece.status = DECISIONS[kind]
    piece.decided_at = now
    if kind == DecisionKind.APPROVED:
        piece.approval_reference = _unused_reference(now.year)
    entry = _timeline(piece, kind, staff, comment)
    after: dict[str, object] = {"status": piece.status, "version": piece.version_count}
    if piece.approval_reference:
        after["approval_reference"] = piece.approval_reference
    record_audit(
        staff,
        f"comarketing.{kind.value}",
        "comarketing_piece",
        piece.id,
        piece.organization_id,
        before={"status": before},
        after={
            "status": piece.status,
            "version": piece.version_count,
            **(
                {"approval_reference": piece.approval_reference} if piece.approval_reference else {}
            ),
        },
    )
    _email_partner(piece, kind, comment)
    return entry


def _unused_reference(year: int) -> str:
    """A reference no piece holds yet; the unique index stays the final word."""
    for _ in range(_REFERENCE_ATTEMPTS):
        reference = approval_reference(year)
        taken = db.session.scalar(
            sa.select(ComarketingPiece.id).where(ComarketingPiece.approval_reference == reference)
        )
        if taken is None:
            return reference
    raise RuntimeError("no unused approval reference after several draws")


def _channel_label(channel: str) -> str:
    return next((label for key, label in CHANNEL_LABELS.items() if key == channel), channel)


def _timeline(
    piece: ComarketingPiece, kind: DecisionKind, actor: User, comment: str
) -> ComarketingDecision:
    entry = ComarketingDecision(
        piece_id=piece.id,
        organization_id=piece.organization_id,
        kind=kind,
        version_number=piece.version_count,
        actor_id=actor.id,
        comment=comment,
    )
    db.session.add(entry)
    return entry


SUBJECTS = {
    DecisionKind.APPROVED: "Approved: {title}",
    DecisionKind.CHANGES_REQUESTED: "Changes requested: {title}",
    DecisionKind.REJECTED: "Not approved: {title}",
}


def _email_partner(piece: ComarketingPiece, kind: DecisionKind, comment: str) -> None:
    recipient = piece.submitted_by
    if recipient is None or not recipient.active:
        return
    queue_email(
        recipient.email,
        "comarketing_decision",
        SUBJECTS[kind].format(title=piece.title),
        recipient_name=recipient.display_name,
        piece=piece,
        kind=kind.value,
        comment=comment,
        channel=_channel_label(piece.channel),
    )
    current_app.logger.info("co-marketing piece %s: %s, partner e-mailed", piece.id, kind.value)
