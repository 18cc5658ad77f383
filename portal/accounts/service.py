"""Account rules: signing in and out, plus the one import point for the rest of the portal.

The rules live in modules named for what they do; this module re-exports the names other
features use, so `from portal.accounts.service import create_invite` keeps working:
- `credentials`: e-mail syntax, password rules, link tokens and the account errors;
- `users`: look-ups by e-mail, team lists, admin accounts;
- `links`: absolute links for e-mails;
- `invites`: creating, listing and accepting invitations;
- `password_reset`: asking for and using reset links.
Functions add to the session and never commit; the caller commits once.
"""

from __future__ import annotations

import secrets
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.credentials import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    EmailInUse,
    InvalidEmail,
    InvalidToken,
    WeakPassword,
    canonical_email,
    normalise_email,
    password_problem,
)
from portal.accounts.invites import (
    accept_invite,
    create_invite,
    find_invite,
    invite_colleague,
    invite_problem,
    open_invitations,
    pending_invites,
)
from portal.accounts.links import invite_url, reset_url
from portal.accounts.models import User, new_session_token
from portal.accounts.password_reset import (
    find_reset,
    request_password_reset,
    reset_password,
    reset_problem,
)
from portal.accounts.users import ROLE_LABELS, create_admin, team_members, user_by_email
from portal.audit.service import record_activity
from portal.db_types import utcnow
from portal.extensions import db

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLE_LABELS",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "InvalidToken",
    "WeakPassword",
    "accept_invite",
    "authenticate",
    "create_admin",
    "create_invite",
    "end_all_sessions",
    "find_invite",
    "find_reset",
    "invite_colleague",
    "invite_problem",
    "invite_url",
    "load_signed_in_user",
    "normalise_email",
    "open_invitations",
    "password_problem",
    "pending_invites",
    "record_login",
    "request_password_reset",
    "reset_password",
    "reset_problem",
    "reset_url",
    "team_members",
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
