"""Writing audit entries (who changed what) and activity events (engagement indicators).

Both functions add a row to the session and never commit: the row shares the transaction
with the change that caused it, so an audit entry exists exactly when its change does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, session

from portal.audit.models import ActivityEvent, AuditEntry
from portal.audit.view_memory import already_recorded, remember_recorded
from portal.database import write_and_commit
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = [
    "CONTENT_VIEW",
    "json_safe",
    "record_activity",
    "record_audit",
    "record_content_view",
    "record_content_view_and_commit",
]

# The activity kind of a module, playbook or program page opened (at most once a day each).
CONTENT_VIEW = "content_view"

_SUBJECT_MAX = 200
_TARGET_ID_MAX = 64


def json_safe(value: Any) -> Any:
    """Turn a value into something the JSON column stores unchanged (datetimes as ISO strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [json_safe(v) for v in items]
    return str(value)


def record_audit(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: object,
    organization_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for a change (actor None means the system acted); no commit."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:_TARGET_ID_MAX],
        organization_id=organization_id,
        before=json_safe(before) if before is not None else None,
        after=json_safe(after) if after is not None else None,
    )
    db.session.add(entry)
    return entry


def record_activity(user: User, kind: str, subject: str = "") -> ActivityEvent:
    """Add an engagement event (login, view, download) for the user's organisation; no commit."""
    event = ActivityEvent(
        user_id=user.id,
        organization_id=user.organization_id,
        kind=kind,
        subject=subject[:_SUBJECT_MAX],
    )
    db.session.add(event)
    return event


def record_content_view(user: User, document: str) -> bool:
    """Record that the user opened a document (`module:<path>/<module>`, `playbook:<kind>/<id>`,
    `page:<id>`), at most once per user, document and UTC day; no commit.

    One INSERT ... ON CONFLICT DO NOTHING against the once-a-day unique index: two requests
    racing on the same view record it once. True when this call recorded it. Inside a request
    the signed session remembers what is already recorded today, and a repeat touches no
    database (portal/audit/view_memory.py).
    """
    now = utcnow()
    today = now.date()
    memory = session if has_request_context() else None
    if memory is not None and already_recorded(memory, user.id, document, today):
        return False
    stmt = (
        insert_for_dialect(ActivityEvent)
        .values(
            user_id=user.id,
            organization_id=user.organization_id,
            kind=CONTENT_VIEW,
            subject=document[:_SUBJECT_MAX],
            created_at=now,
            day=today,
        )
        .on_conflict_do_nothing()
        .returning(ActivityEvent.id)
    )
    # No row comes back when the database refused a second view that day.
    recorded = db.session.execute(stmt).scalar() is not None
    if memory is not None:
        remember_recorded(memory, user.id, document, today)
    return recorded


def record_content_view_and_commit(user: User, document: str) -> bool:
    """Record a GET page's content view and commit it, unless this session already did today.

    A repeat costs no statement; a first view of the day is written in a short transaction of
    its own (`write_and_commit`), so the page's reads never wait for or hold SQLite's write lock.
    """
    if has_request_context() and already_recorded(session, user.id, document, utcnow().date()):
        return False
    return write_and_commit(lambda: record_content_view(user, document))


def recent_entries(action: str, organization_id: int, since: datetime) -> list[AuditEntry]:
    """The organisation's entries for one action recorded after `since`, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.action == action,
                AuditEntry.organization_id == organization_id,
                AuditEntry.created_at > since,
            )
            .order_by(AuditEntry.id)
        )
    )
