"""Admin rules: the staff accounts list (reading the audit log: audit_log.py).

Deactivating people and suspending organisations change accounts' data, so they are
accounts' functions (`portal.accounts.api`); the admin views call them.

Functions add to the session and never commit; the view commits once per request.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.extensions import db

__all__ = ["get_user", "staff_accounts"]


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
