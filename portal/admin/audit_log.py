"""Reading the audit log: filters, a page at a time, names read once per page, CSV.

A page is one statement for the entries (with the actor's and organisation's names joined),
plus at most one for the other people the page mentions and one for the referrals behind
its commissions: the count does not grow with the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.admin.audit_text import (
    Change,
    Names,
    Part,
    changes_of,
    plain_text,
    sentence_of,
    user_ids_mentioned,
)
from portal.audit.models import AuditEntry
from portal.content.model import Program
from portal.csv_cells import guard_cell
from portal.extensions import db
from portal.ids import parse_id
from portal.pagination import Page, cut_page
from portal.referrals.api import referral_ids_of_commissions

__all__ = [
    "AUDIT_PER_PAGE",
    "EXPORT_MAX_ROWS",
    "AuditFilters",
    "AuditPage",
    "AuditRow",
    "audit_actions",
    "audit_csv",
    "audit_log",
]

AUDIT_PER_PAGE = 50
EXPORT_MAX_ROWS = 50_000
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilters:
    """What the log shows: each filter narrows it; the defaults show everything.

    `actor` and `organization_name` match part of a name (an actor also by e-mail; "system"
    finds what the system did); `since` and `until` are UTC days, both included.
    """

    action: str | None = None
    organization_id: int | None = None
    organization_name: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    """An audit entry in words: its sentence, its changes by name, who and where."""

    entry: AuditEntry
    actor_name: str | None  # the name, or the e-mail when they gave none; None: the system
    actor_email: str | None
    organization_name: str | None
    sentence: list[Part]
    changes: list[Change]


# One page of the audit log, newest first; its cursor (`?before=`) is an entry id.
AuditPage = Page[AuditRow, int]


def audit_actions() -> list[str]:
    """The distinct actions in the audit log, for the filter."""
    stmt = sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(stmt))


def audit_log(
    filters: AuditFilters,
    program: Program,
    before: int | None = None,
    per_page: int = AUDIT_PER_PAGE,
) -> AuditPage:
    """A page of matching entries, newest first, older than entry `before` (keyset on id)."""
    stmt = _filtered(filters)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    results = db.session.execute(stmt.order_by(AuditEntry.id.desc()).limit(per_page + 1)).all()
    page = cut_page(results, per_page, cursor_of=lambda result: result[0].id, after=before)
    rows = _described(page.rows, program)
    return Page(rows, page.next_cursor, after=page.after)


def audit_csv(filters: AuditFilters, program: Program) -> Iterator[str]:
    """The matching entries as CSV lines, newest first, read a batch at a time.

    At most EXPORT_MAX_ROWS rows; a last line says so when the log had more.
    """
    yield _line(
        (
            "time (UTC)",
            "actor",
            "actor e-mail",
            "organisation",
            "action",
            "what happened",
            "target type",
            "target id",
            "changes",
        )
    )
    written = 0
    before: int | None = None
    while written < EXPORT_MAX_ROWS:
        stmt = _filtered(filters)
        if before is not None:
            stmt = stmt.where(AuditEntry.id < before)
        size = min(EXPORT_BATCH, EXPORT_MAX_ROWS - written)
        results = db.session.execute(stmt.order_by(AuditEntry.id.desc()).limit(size)).all()
        for row in _described(results, program):
            yield _line(_cells(row))
        written += len(results)
        if len(results) < size:
            return
        before = results[-1][0].id
    if db.session.scalar(_filtered(filters).where(AuditEntry.id < before).limit(1)) is not None:
        yield _line((f"Cut at {EXPORT_MAX_ROWS} rows: narrow the filters for the rest.",))


def _filtered(filters: AuditFilters) -> sa.Select:
    stmt = (
        sa.select(AuditEntry, User.display_name, User.email, Organization.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Organization, Organization.id == AuditEntry.organization_id)
    )
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.organization_id is not None:
        stmt = stmt.where(AuditEntry.organization_id == filters.organization_id)
    if filters.organization_name:
        stmt = stmt.where(_contains(Organization.name, filters.organization_name))
    if filters.actor:
        matches = [
            _contains(User.display_name, filters.actor),
            _contains(User.email, filters.actor),
        ]
        if filters.actor.strip().lower() == "system":
            matches.append(AuditEntry.actor_id.is_(None))
        stmt = stmt.where(sa.or_(*matches))
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.created_at >= _start_of(filters.since))
    if filters.until is not None and filters.until < date.max:
        stmt = stmt.where(AuditEntry.created_at < _start_of(filters.until + timedelta(days=1)))
    return stmt


def _contains(column: Any, text: str) -> Any:
    needle = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{needle}%", escape="\\")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _described(results: Iterable[Any], program: Program) -> list[AuditRow]:
    """The entries in words, with every name the rows mention read in one batch."""
    results = list(results)
    entries: list[AuditEntry] = [result[0] for result in results]
    user_ids: set[int] = set()
    commission_ids: set[int] = set()
    for entry in entries:
        user_ids |= user_ids_mentioned(entry)
        if entry.target_type == "commission":
            commission_id = parse_id(entry.target_id)
            if commission_id is not None:
                commission_ids.add(commission_id)
    names = Names(
        users=_user_names(user_ids),
        commission_referrals=referral_ids_of_commissions(commission_ids),
        program=program,
    )
    rows = []
    for result in results:
        entry, actor_name, actor_email, organization_name = result
        rows.append(
            AuditRow(
                entry=entry,
                actor_name=actor_name,
                actor_email=actor_email,
                organization_name=organization_name,
                sentence=sentence_of(entry, actor_name, organization_name, names),
                changes=changes_of(entry, names),
            )
        )
    return rows


def _user_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {key: value for key, value in rows}  # noqa: C416 (Row pairs)


def _line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([guard_cell(cell) for cell in cells])
    return buffer.getvalue()


def _cells(row: AuditRow) -> list[str]:
    entry = row.entry
    changes = "; ".join(
        f"{change.field}: {change.before if change.before is not None else ''}"
        f" → {change.after if change.after is not None else '(removed)'}"
        for change in row.changes
    )
    return [
        entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "System" if entry.actor_id is None else (row.actor_name or ""),
        row.actor_email or "",
        row.organization_name or "",
        entry.action,
        plain_text(row.sentence),
        entry.target_type,
        entry.target_id,
        changes,
    ]
