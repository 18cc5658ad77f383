"""Admin rules: the staff accounts list and reading the audit log.

Deactivating people and suspending organisations change accounts' data, so they are
accounts' functions (`portal.accounts.api`); the admin views call them.

Functions add to the session and never commit; the view commits once per request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, Role, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.pagination import Page, cut_page

__all__ = [
    "AUDIT_PER_PAGE",
    "AuditPage",
    "AuditRow",
    "Change",
    "audit_actions",
    "audit_log",
    "changes_of",
    "get_user",
    "staff_accounts",
]

AUDIT_PER_PAGE = 50


@dataclass(frozen=True)
class Change:
    """One field of an audit entry: its value before and after, as display text."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditRow:
    """An audit entry with its actor's and organisation's names and its changes as text."""

    entry: AuditEntry
    actor_name: str | None  # the name, or the e-mail when they gave none; None: the system
    actor_email: str | None
    organization_name: str | None
    changes: list[Change]


# One page of the audit log, newest first; its cursor (`?before=`) is an entry id.
AuditPage = Page[AuditRow, int]


def get_user(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def staff_accounts() -> list[User]:
    """Every staff and admin account, admins first."""
    stmt = (
        sa.select(User)
        .where(User.role.in_([Role.STAFF, Role.ADMIN]))
        .order_by(sa.case((User.role == Role.ADMIN, 0), else_=1), User.name, User.email)
    )
    return list(db.session.scalars(stmt))


def audit_actions() -> list[str]:
    """The distinct actions in the audit log, for the filter."""
    stmt = sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(stmt))


def audit_log(
    action: str | None = None,
    organization_id: int | None = None,
    before: int | None = None,
    per_page: int = AUDIT_PER_PAGE,
) -> AuditPage:
    """A page of audit entries, newest first, older than entry `before` (keyset on id)."""
    stmt = (
        sa.select(AuditEntry, User.display_name, User.email, Organization.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Organization, Organization.id == AuditEntry.organization_id)
    )
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if organization_id is not None:
        stmt = stmt.where(AuditEntry.organization_id == organization_id)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(per_page + 1)
    results = db.session.execute(stmt).all()
    page = cut_page(results, per_page, cursor_of=lambda result: result[0].id, after=before)
    return page.map(lambda result: AuditRow(*result, changes=changes_of(result[0])))


def _display(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes_of(entry: AuditEntry) -> list[Change]:
    """The fields an entry records, each with its before and after value as text."""
    before = entry.before or {}
    after = entry.after or {}
    fields = list(after) + [key for key in before if key not in after]
    return [
        Change(
            field=key,
            before=_display(before[key]) if key in before else None,
            after=_display(after[key]) if key in after else None,
        )
        for key in fields
    ]
