"""The co-marketing tables as CSV: the partner's list and the staff queue, formula-guarded."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from flask import Response, stream_with_context

from portal.accounts.models import Organization
from portal.comarketing.models import CHANNEL_LABELS, STATUS_LABELS, ComarketingPiece
from portal.csv_cells import guard_cell
from portal.db_types import utcnow
from portal.extensions import db

_BATCH = 500
PARTNER_HEADER = ["Title", "Channel", "Status", "Versions", "Planned", "Submitted", "Reference"]
QUEUE_HEADER = ["Title", "Organisation", "Channel", "Status", "Versions", "Submitted", "Due"]


def lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Each row as one CSV line, every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _label(labels: dict, key: str) -> str:
    return str(next((v for k, v in labels.items() if k == key), key))


def partner_lines(organization_id: int) -> Iterator[str]:
    """The organisation's pieces, newest first."""
    stmt = (
        sa.select(ComarketingPiece)
        .where(ComarketingPiece.organization_id == organization_id)
        .order_by(ComarketingPiece.id.desc())
        .execution_options(yield_per=_BATCH)
    )
    rows = (
        [
            p.title,
            _label(CHANNEL_LABELS, p.channel),
            _label(STATUS_LABELS, p.status),
            str(p.version_count),
            p.planned_on.isoformat(),
            p.submitted_at.date().isoformat(),
            p.approval_reference or "",
        ]
        for p in db.session.scalars(stmt)
    )
    return lines([PARTNER_HEADER, *rows])


def queue_lines(status: str) -> Iterator[str]:
    """The pieces in one state, in the queue's order."""
    piece = ComarketingPiece
    order = (
        (piece.due_at, piece.id)
        if status == "submitted"
        else (piece.due_at.desc(), piece.id.desc())
    )
    stmt = (
        sa.select(piece, Organization.name)
        .join(Organization, Organization.id == piece.organization_id)
        .where(piece.status == status)
        .order_by(*order)
        .execution_options(yield_per=_BATCH)
    )
    rows = (
        [
            p.title,
            name,
            _label(CHANNEL_LABELS, p.channel),
            _label(STATUS_LABELS, p.status),
            str(p.version_count),
            p.submitted_at.isoformat(timespec="minutes"),
            p.due_at.isoformat(timespec="minutes"),
        ]
        for p, name in db.session.execute(stmt)
    )
    return lines([QUEUE_HEADER, *rows])


def response(body: Iterator[str], name: str) -> Response:
    """A streamed CSV download."""
    result = Response(stream_with_context(body), mimetype="text/csv")
    result.headers["Content-Disposition"] = f"attachment; filename={name}-{utcnow():%Y%m%d}.csv"
    return result
