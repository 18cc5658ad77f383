"""Password resets: asking for a link without revealing accounts, and using the link.

Plain functions with no request: they add to the session and never commit.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.credentials import (
    InvalidEmail,
    InvalidToken,
    check_password_rules,
    hash_token,
    new_token,
    normalise_email,
)
from portal.accounts.links import reset_url
from portal.accounts.models import PasswordReset, User
from portal.accounts.users import user_by_email
from portal.audit.service import record_audit
from portal.db_types import update_if_unset, utcnow
from portal.extensions import db
from portal.notify.outbox import portal_name, queue_email, recently_queued

__all__ = [
    "NO_ACCOUNT_EMAIL",
    "RESET_EMAIL",
    "RESET_EMAIL_INTERVAL",
    "find_reset",
    "request_password_reset",
    "reset_password",
    "reset_problem",
]

RESET_EMAIL = "password_reset"
NO_ACCOUNT_EMAIL = "password_reset_no_account"
# However often the form is sent, an address gets at most one e-mail in this time.
RESET_EMAIL_INTERVAL = timedelta(minutes=5)


def request_password_reset(email: str) -> None:
    """Queue one e-mail to the address: a reset link, or a note that it has no account.

    Someone who may sign in gets a single-use link; any other address (no account, deactivated,
    suspended organisation) gets a `password_reset_no_account` note. Either way one e-mail is
    rendered and queued, so neither the answer nor its timing reveals an account. An address
    gets at most one e-mail per RESET_EMAIL_INTERVAL, so the form cannot flood an inbox.
    """
    try:
        email = normalise_email(email)
    except InvalidEmail:
        return
    user = user_by_email(email)
    if user is None or not user.can_sign_in:
        _send_no_account_note(email)
    else:
        _send_reset_link(user)


def _send_reset_link(user: User) -> None:
    now = utcnow()
    recent = db.session.scalar(
        sa.select(PasswordReset.id).where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
            PasswordReset.created_at > now - RESET_EMAIL_INTERVAL,
        )
    )
    if recent is not None:
        return
    token, token_hash = new_token()
    valid_minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    db.session.add(
        PasswordReset(
            user=user,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(minutes=valid_minutes),
        )
    )
    queue_email(
        user.email,
        RESET_EMAIL,
        f"Reset your {portal_name()} password",
        sensitive=True,
        url=reset_url(token),
        user=user,
        valid_minutes=valid_minutes,
    )


def _send_no_account_note(email: str) -> None:
    if recently_queued(NO_ACCOUNT_EMAIL, email, since=utcnow() - RESET_EMAIL_INTERVAL):
        return
    queue_email(
        email,
        NO_ACCOUNT_EMAIL,
        f"About your {portal_name()} password reset",
        email=email,
    )


def find_reset(token: str) -> PasswordReset | None:
    """The reset a link carries, whatever its state."""
    return db.session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )


def reset_problem(reset: PasswordReset | None) -> str | None:
    """Why a reset link cannot be used ("unknown", "used", "expired"), or None."""
    if reset is None or not reset.user.can_sign_in:
        return "unknown"
    if reset.used_at is not None:
        return "used"
    if reset.expires_at <= utcnow():
        return "expired"
    return None


def reset_password(reset: PasswordReset, new_password: str) -> User:
    """Set the new password (ending every session), use up this and every other open link."""
    if reset_problem(reset) is not None:
        raise InvalidToken("This reset link is no longer valid.")
    user = reset.user
    check_password_rules(new_password, user.email)
    now = utcnow()
    if not update_if_unset(reset, "used_at", used_at=now):
        raise InvalidToken("This reset link has already been used.")
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    user.set_password(new_password)
    record_audit(user, "user.password_reset", "user", user.id, organization_id=user.organization_id)
    return user
