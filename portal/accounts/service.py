"""Account rules: sign-in, invitations, password resets and admin accounts.

Plain functions with no request: they add to the session and never commit, so the outbox
message and the audit entry share the transaction with the change that caused them.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.credentials import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    EmailInUse,
    InvalidEmail,
    InvalidToken,
    WeakPassword,
    check_password_rules,
    hash_token,
    new_token,
    normalise_email,
    password_problem,
)
from portal.accounts.models import (
    PARTNER_ROLES,
    STAFF_ROLES,
    Invite,
    Organization,
    OrgStatus,
    PasswordReset,
    Role,
    User,
)
from portal.audit.service import record_activity, record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "InvalidToken",
    "WeakPassword",
    "accept_invite",
    "authenticate",
    "create_admin",
    "create_invite",
    "find_invite",
    "find_reset",
    "find_valid_invite",
    "find_valid_reset",
    "invite_problem",
    "invite_url",
    "load_signed_in_user",
    "normalise_email",
    "password_problem",
    "pending_invites",
    "record_login",
    "request_password_reset",
    "reset_password",
    "reset_problem",
    "reset_url",
    "team_members",
]

ROLE_LABELS = {
    Role.PARTNER_USER: "Partner user",
    Role.PARTNER_ADMIN: "Partner admin",
    Role.STAFF: "Staff",
    Role.ADMIN: "Admin",
}


def _user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _ensure_email_free(email: str) -> None:
    if _user_by_email(email) is not None:
        raise EmailInUse(f"{email} already has an account.")


# --- links ---------------------------------------------------------------------------------------


def _absolute_url(endpoint: str, **values: Any) -> str:
    # Built from BASE_URL so it works in CLI commands and behind proxies alike.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def invite_url(token: str) -> str:
    """The absolute link that accepts an invitation."""
    return _absolute_url("accounts.invite", token=token)


def reset_url(token: str) -> str:
    """The absolute link that sets a new password."""
    return _absolute_url("accounts.reset", token=token)


# --- signing in -------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The user with this e-mail and password who may sign in, else None.

    An unknown e-mail still costs one password hash, so timing does not reveal whether an
    account exists.
    """
    user = _user_by_email((email or "").strip().lower())
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


# --- invitations ------------------------------------------------------------------------------


def create_invite(
    email: str, role: str, organization: Organization | None, invited_by: User | None
) -> tuple[Invite, str]:
    """Invite someone: store a hashed single-use token, queue the e-mail, audit it.

    Returns the invite and the raw token (only the e-mail carries it). Partner roles need an
    organisation and staff roles must have none. Raises EmailInUse when the address already has
    an account.
    """
    email = normalise_email(email)
    if role not in PARTNER_ROLES | STAFF_ROLES:
        raise AccountError("Choose a role.")
    if role in PARTNER_ROLES and organization is None:
        raise AccountError("Partner users belong to an organisation.")
    if role in STAFF_ROLES and organization is not None:
        raise AccountError("Staff accounts do not belong to a partner organisation.")
    _ensure_email_free(email)

    token, token_hash = new_token()
    valid_days = current_app.config["INVITE_VALID_DAYS"]
    invite = Invite(
        email=email,
        role=role,
        organization=organization,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(invite)
    db.session.flush()
    organization_name = organization.name if organization is not None else "Flywheel"
    queue_email(
        email,
        "invite",
        f"You're invited to the Flywheel partner portal ({organization_name})",
        url=invite_url(token),
        organization_name=organization_name,
        inviter_name=(invited_by.name or invited_by.email) if invited_by else "",
        role_label=ROLE_LABELS.get(Role(role), role),
        valid_days=valid_days,
        expires_at=invite.expires_at,
    )
    record_audit(
        invited_by,
        "invite.created",
        "invite",
        invite.id,
        organization_id=organization.id if organization is not None else None,
        after={"email": email, "role": role},
    )
    return invite, token


def find_invite(token: str) -> Invite | None:
    """The invitation a link carries, whatever its state."""
    return db.session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))


def invite_problem(invite: Invite | None) -> str | None:
    """Why an invitation cannot be accepted ("unknown", "used", "expired"), or None."""
    if invite is None:
        return "unknown"
    if invite.accepted_at is not None:
        return "used"
    if invite.expires_at <= utcnow():
        return "expired"
    return None


def find_valid_invite(token: str) -> Invite | None:
    """The invitation a link carries if it can still be accepted."""
    invite = find_invite(token)
    return invite if invite_problem(invite) is None else None


def accept_invite(invite: Invite, name: str, password: str, job_title: str = "") -> User:
    """Create the invited user in the invitation's organisation and role; single use.

    An organisation still `invited` starts onboarding with its first member.
    """
    if invite_problem(invite) is not None:
        raise InvalidToken("This invitation is no longer valid.")
    check_password_rules(password, invite.email)
    _ensure_email_free(invite.email)
    now = utcnow()
    # A conditional update: of two simultaneous acceptances only one changes the row.
    claimed = db.session.execute(
        sa.update(Invite)
        .where(Invite.id == invite.id, Invite.accepted_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvalidToken("This invitation has already been used.")
    set_committed_value(invite, "accepted_at", now)

    org = invite.organization
    user = User(
        email=invite.email,
        name=name.strip(),
        job_title=job_title.strip(),
        role=invite.role,
        organization=org,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    org_id = org.id if org is not None else None
    record_audit(
        user,
        "invite.accepted",
        "user",
        user.id,
        organization_id=org_id,
        after={"email": user.email, "role": user.role, "invite_id": invite.id},
    )
    if org is not None and org.status == OrgStatus.INVITED:
        org.status = OrgStatus.ONBOARDING
        record_audit(
            user,
            "organization.onboarding_started",
            "organization",
            org.id,
            organization_id=org.id,
            before={"status": OrgStatus.INVITED},
            after={"status": OrgStatus.ONBOARDING},
        )
    return user


def team_members(org: Organization) -> list[User]:
    """Everyone in the organisation, admins first, then by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organization_id == org.id)
            .order_by(sa.case((User.role == Role.PARTNER_ADMIN, 0), else_=1), User.name, User.email)
        )
    )


def pending_invites(org: Organization) -> list[Invite]:
    """The organisation's invitations that are neither accepted nor expired, newest first."""
    return list(
        db.session.scalars(
            sa.select(Invite)
            .where(
                Invite.organization_id == org.id,
                Invite.accepted_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
    )


# --- password resets --------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Send a reset link if the address belongs to someone who may sign in; else do nothing.

    The caller answers the same either way, so the response never reveals an account.
    """
    try:
        email = normalise_email(email)
    except InvalidEmail:
        return
    user = _user_by_email(email)
    if user is None or not user.can_sign_in:
        return
    token, token_hash = new_token()
    valid_minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    reset = PasswordReset(
        user=user,
        token_hash=token_hash,
        expires_at=utcnow() + timedelta(minutes=valid_minutes),
    )
    db.session.add(reset)
    queue_email(
        user.email,
        "password_reset",
        "Reset your Flywheel partner portal password",
        url=reset_url(token),
        user=user,
        valid_minutes=valid_minutes,
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


def find_valid_reset(token: str) -> PasswordReset | None:
    """The reset a link carries if it can still be used."""
    reset = find_reset(token)
    return reset if reset_problem(reset) is None else None


def reset_password(reset: PasswordReset, new_password: str) -> User:
    """Set the new password (ending every session), use up this and every other open link."""
    if reset_problem(reset) is not None:
        raise InvalidToken("This reset link is no longer valid.")
    user = reset.user
    check_password_rules(new_password, user.email)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvalidToken("This reset link has already been used.")
    set_committed_value(reset, "used_at", now)
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    user.set_password(new_password)
    record_audit(user, "user.password_reset", "user", user.id, organization_id=user.organization_id)
    return user


# --- administrators ---------------------------------------------------------------------------


def create_admin(email: str, name: str, password: str) -> User:
    """Create an admin account (no organisation); raises EmailInUse or WeakPassword."""
    email = normalise_email(email)
    _ensure_email_free(email)
    check_password_rules(password, email)
    user = User(email=email, name=name.strip(), role=Role.ADMIN, organization=None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_audit(None, "user.admin_created", "user", user.id, after={"email": email})
    return user
