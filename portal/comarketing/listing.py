"""The lists of pieces: the staff queue, a partner's own list, an organisation's history.

Each page is one statement, keyset-paged (portal/pagination.py), whatever the number of pieces:
the queue on (status, due_at, id), a partner's list on (organization_id, id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from portal.accounts.models import Organization, User
from portal.comarketing.models import (
    ComarketingDecision,
    ComarketingPiece,
    ComarketingVersion,
    PieceStatus,
)
from portal.extensions import db
from portal.pagination import Page, cut_page

__all__ = [
    "PER_PAGE",
    "QueueRow",
    "Timeline",
    "org_history",
    "partner_page",
    "queue_page",
    "read_queue_cursor",
    "timeline_of",
    "write_queue_cursor",
]

PER_PAGE = 25
_CURSOR_SALT = "comarketing-queue-v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
QueuePosition = tuple[datetime, int]


@dataclass(frozen=True)
class QueueRow:
    piece: ComarketingPiece
    organization_name: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_CURSOR_SALT)


def write_queue_cursor(position: QueuePosition) -> str:
    """The queue position as a signed token for the next-page link."""
    due, ident = position
    return _serializer().dumps([(due - _EPOCH) // timedelta(microseconds=1), ident])


def read_queue_cursor(cursor: str | None) -> QueuePosition | None:
    """A position this app wrote; None for anything else (which means the first page)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        due, ident = _serializer().loads(cursor)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (due, ident)):
            return None
        return _EPOCH + timedelta(microseconds=due), ident
    except (BadData, TypeError, ValueError, OverflowError):
        return None


def queue_page(status: str, after: QueuePosition | None) -> Page[QueueRow, QueuePosition]:
    """One page of the pieces in a state: awaiting review soonest due first, the rest latest."""
    piece = ComarketingPiece
    stmt = (
        sa.select(piece, Organization.name)
        .join(Organization, Organization.id == piece.organization_id)
        .where(piece.status == status)
    )
    oldest_first = status == PieceStatus.SUBMITTED
    if after is not None:
        key = sa.tuple_(piece.due_at, piece.id)
        position = sa.tuple_(sa.literal(after[0], piece.due_at.type), sa.literal(after[1]))
        stmt = stmt.where(key > position if oldest_first else key < position)
    order = (piece.due_at, piece.id) if oldest_first else (piece.due_at.desc(), piece.id.desc())
    rows = db.session.execute(stmt.order_by(*order).limit(PER_PAGE + 1)).all()
    return cut_page(
        [QueueRow(row[0], row[1]) for row in rows],
        PER_PAGE,
        lambda row: (row.piece.due_at, row.piece.id),
        after,
    )


def partner_page(organization_id: int, before: int | None) -> Page[ComarketingPiece, int]:
    """One page of the organisation's pieces, newest first."""
    stmt = sa.select(ComarketingPiece).where(ComarketingPiece.organization_id == organization_id)
    if before is not None:
        stmt = stmt.where(ComarketingPiece.id < before)
    rows = db.session.scalars(stmt.order_by(ComarketingPiece.id.desc()).limit(PER_PAGE + 1)).all()
    return cut_page(rows, PER_PAGE, lambda piece: piece.id, before)


@dataclass(frozen=True)
class Timeline:
    """A piece's versions (newest first) and its timeline (oldest first), with the people."""

    versions: list[ComarketingVersion]
    entries: list[ComarketingDecision]
    people: dict[int, str]  # user id -> display name


def timeline_of(piece: ComarketingPiece) -> Timeline:
    """Everything the piece's page shows below its details: three statements."""
    versions = list(
        db.session.scalars(
            sa.select(ComarketingVersion)
            .where(ComarketingVersion.piece_id == piece.id)
            .order_by(ComarketingVersion.number.desc())
        )
    )
    entries = list(
        db.session.scalars(
            sa.select(ComarketingDecision)
            .where(ComarketingDecision.piece_id == piece.id)
            .order_by(ComarketingDecision.id)
        )
    )
    ids = {v.submitted_by_id for v in versions} | {e.actor_id for e in entries if e.actor_id}
    people = (
        dict(
            db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
        )
        if ids
        else {}
    )
    return Timeline(versions, entries, {int(k): str(v) for k, v in people.items()})


@dataclass(frozen=True)
class HistoryEntry:
    """A line of an organisation's co-marketing history on the staff organisation page."""

    piece_id: int
    title: str
    kind: str
    comment: str
    version_number: int
    actor_name: str
    at: datetime


def org_history(organization_id: int, limit: int = 10) -> list[HistoryEntry]:
    """The organisation's latest co-marketing events, newest first (one statement)."""
    rows = db.session.execute(
        sa.select(ComarketingDecision, ComarketingPiece.title, User.display_name)
        .join(ComarketingPiece, ComarketingPiece.id == ComarketingDecision.piece_id)
        .outerjoin(User, User.id == ComarketingDecision.actor_id)
        .where(ComarketingDecision.organization_id == organization_id)
        .order_by(ComarketingDecision.id.desc())
        .limit(limit)
    ).all()
    return [
        HistoryEntry(
            piece_id=entry.piece_id,
            title=title,
            kind=entry.kind,
            comment=entry.comment,
            version_number=entry.version_number,
            actor_name=name or "The system",
            at=entry.created_at,
        )
        for entry, title, name in rows
    ]
