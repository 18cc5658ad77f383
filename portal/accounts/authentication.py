"""Who may sign in: checking a password, finding a session's user, ending sessions,
deactivating people.

A user's sessions and remember-me cookies all name `User.session_token`; rotating it signs
the user out everywhere. The functions here are the only ones that rotate it on purpose
(besides a password change, `User.set_password`): signing out everywhere, deactivation and
an organisation's suspension all come through `end_all_sessions`.
Functions add to the session and never commit; the caller commits once.
"""

from __future__ import annotations

import secrets
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.credentials import AccountError, canonical_email
from portal.accounts.models import Organization, User, new_session_token
from portal.accounts.users import user_by_email
from portal.audit.service import record_activity, record_audit
from portal.db_types import utcnow
from portal.extensions import db

__all__ = [
    "authenticate",
    "deactivate_user",
    "end_all_sessions",
    "end_organization_sessions",
    "load_signed_in_user",
    "reactivate_user",
    "record_login",
]


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The user with this e-mail and password who may sign in, else None.

    The address is looked up in its canonical form, the same one the per-account sign-in limit
    counts by. An unknown e-mail still costs one password hash, so timing does not reveal
    whether an account exists.
    """
    user = user_by_email(canonical_email(email))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.can_sign_in:
        return None
    return user


def load_signed_in_user(session_token: str) -> User | None:
    """The user a session belongs to, or None when they may no longer sign in."""
    user = db.session.scalar(
        sa.select(User)
        .options(joinedload(User.organization))
        .where(User.session_token == session_token)
    )
    if user is None or not user.can_sign_in:
        return None
    return user


def record_login(user: User) -> None:
    """Note a successful sign-in: last login time and an engagement event."""
    user.last_login_at = utcnow()
    record_activity(user, "login")


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember-me cookie names the old token."""
    user.session_token = new_session_token()


def end_organization_sessions(org: Organization) -> None:
    """Sign every member of the organisation out everywhere (its suspension)."""
    for member in db.session.scalars(sa.select(User).where(User.organization_id == org.id)):
        end_all_sessions(member)


def deactivate_user(actor: User, user: User) -> bool:
    """Deactivate a user and end their sessions; False when already inactive.

    Raises AccountError when admins try to deactivate themselves (which also keeps at least
    one active admin).
    """
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account.")
    if not user.active:
        return False
    user.active = False
    end_all_sessions(user)
    record_audit(
        actor,
        "user.deactivated",
        "user",
        user.id,
        organization_id=user.organization_id,
        before={"active": True},
        after={"active": False},
    )
    return True


def reactivate_user(actor: User, user: User) -> bool:
    """Let a deactivated user sign in again; False when already active."""
    if user.active:
        return False
    user.active = True
    record_audit(
        actor,
        "user.reactivated",
        "user",
        user.id,
        organization_id=user.organization_id,
        before={"active": False},
        after={"active": True},
    )
    return True
