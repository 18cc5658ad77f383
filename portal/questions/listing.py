"""The staff queue and the partner's list: one keyset-paginated statement per page.

The queue shows one tab (status) at a time. New and waiting-on-us questions have a running
clock and come by (`due_at`, `id`) ascending (`ix_questions_status_due`); waiting-on-partner and
answered ones by latest activity, newest first (`ix_questions_status_activity`). The cursor is
the position of the last row shown, signed, so a tampered one means the first page. The
organisation, asker and assignee names come back in the same statement; the tab counts are a
second one. The partner's list is their organisation's questions, newest first by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import aliased

from portal.accounts.models import STAFF_ROLES, Organization, User
from portal.extensions import db
from portal.pagination import Page, cut_page
from portal.questions.models import WAITING_ON_US, PartnerQuestion, QuestionStatus
from portal.questions.service import breached_condition
from portal.questions.subjects import KINDS
from portal.referrals.api import as_utc

__all__ = [
    "PARTNER_PAGE_SIZE",
    "QUEUE_PAGE_SIZE",
    "QueueQuery",
    "QueueRow",
    "count_text",
    "partner_page",
    "queue_page",
    "staff_choices",
    "status_counts",
]

QUEUE_PAGE_SIZE = 25
PARTNER_PAGE_SIZE = 25
_CURSOR_SALT = "questions-cursor-v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class QueueQuery:
    """What the queue shows: one status tab, optionally one topic, an assignee choice."""

    status: str = QuestionStatus.NEW
    topic: str = ""
    assignee: str = ""  # "", "me" or "nobody"
    viewer_id: int | None = None
    overdue_at: datetime | None = None  # only questions past their first-response time then


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue (or of the partner's list)."""

    question: PartnerQuestion
    organization_name: str
    asker_name: str
    assignee_name: str | None


def _clocked(status: str) -> bool:
    return status in WAITING_ON_US


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_CURSOR_SALT)


def write_cursor(row: QueueRow, status: str) -> str:
    """The signed position of the last row shown: its sort time (microseconds) and id."""
    q = row.question
    moment = q.due_at if _clocked(status) and q.due_at is not None else q.last_activity_at
    micros = (as_utc(moment) - _EPOCH) // timedelta(microseconds=1)
    return _serializer().dumps([status, micros, q.id])


def read_cursor(cursor: str | None, status: str) -> tuple[datetime, int] | None:
    """The position in a cursor this app wrote for this tab; None for anything else."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        tab, micros, ident = _serializer().loads(cursor)
    except (BadData, TypeError, ValueError):
        return None
    if tab != status or not all(_whole(v) for v in (micros, ident)):
        return None
    try:
        return _EPOCH + timedelta(microseconds=micros), ident
    except OverflowError:
        return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _rows_statement() -> sa.Select[PartnerQuestion, str, str, str]:
    """The rows' columns and joins; built once (a Select is immutable: each use extends it)."""
    asker = aliased(User)
    assignee = aliased(User)
    return (
        sa.select(PartnerQuestion, Organization.name, asker.display_name, assignee.display_name)
        .join(Organization, Organization.id == PartnerQuestion.organization_id)
        .join(asker, asker.id == PartnerQuestion.asked_by_id)
        .outerjoin(assignee, assignee.id == PartnerQuestion.assignee_id)
    )


def queue_page(
    query: QueueQuery, topics: tuple[str, ...], cursor: str | None
) -> Page[QueueRow, str]:
    """One page of the staff queue; `topics` limits it to those topic ids (empty: every one)."""
    stmt = _rows_statement()
    stmt = stmt.where(PartnerQuestion.status == query.status)
    if topics:
        stmt = stmt.where(PartnerQuestion.topic.in_(topics))
    if query.assignee == "me" and query.viewer_id is not None:
        stmt = stmt.where(PartnerQuestion.assignee_id == query.viewer_id)
    elif query.assignee == "nobody":
        stmt = stmt.where(PartnerQuestion.assignee_id.is_(None))
    if query.overdue_at is not None:
        stmt = stmt.where(breached_condition(query.overdue_at))
    position = read_cursor(cursor, query.status)
    if _clocked(query.status):
        if position is not None:
            stmt = stmt.where(sa.tuple_(PartnerQuestion.due_at, PartnerQuestion.id) > position)
        stmt = stmt.order_by(PartnerQuestion.due_at, PartnerQuestion.id)
    else:
        if position is not None:
            stmt = stmt.where(
                sa.tuple_(PartnerQuestion.last_activity_at, PartnerQuestion.id) < position
            )
        stmt = stmt.order_by(PartnerQuestion.last_activity_at.desc(), PartnerQuestion.id.desc())
    found = [QueueRow(*row) for row in db.session.execute(stmt.limit(QUEUE_PAGE_SIZE + 1))]
    return cut_page(
        found,
        QUEUE_PAGE_SIZE,
        cursor_of=lambda row: write_cursor(row, query.status),
        after=cursor if position is not None else None,
    )


COUNT_CAP = 1000


def status_counts(now: datetime) -> dict[str, int]:
    """How many questions each tab holds, and how many new ones are past their first-response
    time at `now` ("overdue"), each counted up to COUNT_CAP + 1 (shown "1,000+").

    One statement of five bounded index reads: counting every answered question ever asked
    would make the queue's cost grow with the program's history.
    """
    conditions = {str(status): [PartnerQuestion.status == status] for status in QuestionStatus} | {
        "overdue": [
            PartnerQuestion.status == QuestionStatus.NEW,
            PartnerQuestion.due_at < as_utc(now, "now"),
        ]
    }
    counts = [
        sa.select(sa.func.count())
        .select_from(sa.select(PartnerQuestion.id).where(*where).limit(COUNT_CAP + 1).subquery())
        .scalar_subquery()
        for where in conditions.values()
    ]
    row = db.session.execute(sa.select(*counts)).one()
    return dict(zip(conditions, row, strict=True))


def count_text(count: int) -> str:
    """A tab's count as shown: "12", or "1,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


def partner_page(organization_id: int, before: int | None) -> Page[QueueRow, int]:
    """The organisation's questions, newest first (keyset on id)."""
    stmt = _rows_statement()
    stmt = stmt.where(PartnerQuestion.organization_id == organization_id)
    if before is not None:
        stmt = stmt.where(PartnerQuestion.id < before)
    stmt = stmt.order_by(PartnerQuestion.id.desc()).limit(PARTNER_PAGE_SIZE + 1)
    found = [QueueRow(*row) for row in db.session.execute(stmt)]
    return cut_page(found, PARTNER_PAGE_SIZE, cursor_of=lambda row: row.question.id, after=before)


# The request's reads of subjects' questions, by (organisation, key): see about_subject.
_ABOUT_KEY_READS = "portal.questions_about_key"


def about_subject(
    organization_id: int, kind: str, key: str, limit: int = 20
) -> list[PartnerQuestion]:
    """The organisation's questions about one subject, newest first (the subject page's list).

    A page may show several subjects under one key (a referral and its commission share the
    reference): the first call reads the key's questions of every kind, and the others in the
    same request take theirs from that read.
    """
    # Kept on the request itself (not `g`, which a test's app context shares across requests).
    by_key: dict[tuple[int, str], list[PartnerQuestion]] = (
        request.environ.setdefault(_ABOUT_KEY_READS, {}) if has_request_context() else {}
    )
    if (organization_id, key) not in by_key:
        stmt = (
            sa.select(PartnerQuestion)
            .where(
                PartnerQuestion.organization_id == organization_id,
                PartnerQuestion.about_kind.in_(tuple(KINDS)),
                PartnerQuestion.about_key == key,
            )
            .order_by(PartnerQuestion.id.desc())
            .limit(limit * len(KINDS))
        )
        by_key[(organization_id, key)] = list(db.session.scalars(stmt))
    return [q for q in by_key[(organization_id, key)] if q.about_kind == kind][:limit]


def staff_choices() -> list[tuple[int, str]]:
    """The active partner-team members, by name: whom a question can be assigned to."""
    stmt = (
        sa.select(User.id, User.display_name)
        .where(User.role.in_(STAFF_ROLES), User.active.is_(True))
        .order_by(User.display_name, User.id)
    )
    return [(ident, name) for ident, name in db.session.execute(stmt)]
