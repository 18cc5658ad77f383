"""Invitations: creating them, the partner admin's invitations, accepting one.

Plain functions with no request: they add to the session and never commit, so the outbox
message and the audit entry share the transaction with the change that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.credentials import (
    AccountError,
    InvalidToken,
    check_password_rules,
    hash_token,
    new_token,
    normalise_email,
)
from portal.accounts.lifecycle import start_onboarding
from portal.accounts.links import invite_url, login_url
from portal.accounts.models import (
    PARTNER_ROLES,
    STAFF_ROLES,
    Invite,
    Organization,
    OrgStatus,
    User,
)
from portal.accounts.users import ensure_email_free, role_label, user_by_email
from portal.audit.service import recent_entries, record_audit
from portal.content_runtime import current_brand
from portal.db_types import update_if_unset, utcnow
from portal.extensions import db
from portal.notify.outbox import portal_name, queue_email

__all__ = [
    "EXISTING_ACCOUNT_ACTION",
    "OpenInvitation",
    "accept_invite",
    "accept_invite_by_provider",
    "create_invite",
    "find_invite",
    "invite_colleague",
    "invite_problem",
    "open_invitations",
    "open_invite_for",
    "pending_invites",
]

# The audit action of a partner admin's invitation to an address that already has an account.
EXISTING_ACCOUNT_ACTION = "invite.existing_account"


@dataclass(frozen=True)
class OpenInvitation:
    """An invitation as the partner admin's team page lists it."""

    email: str
    role: str
    created_at: datetime
    expires_at: datetime


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
    ensure_email_free(email)

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
    organization_name = organization.name if organization is not None else current_brand().name
    queue_email(
        email,
        "invite",
        f"You're invited to the {portal_name()} ({organization_name})",
        sensitive=True,
        url=invite_url(token),
        organization_name=organization_name,
        inviter_name=invited_by.display_name if invited_by is not None else "",
        role_label=role_label(role),
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


def invite_colleague(email: str, role: str, inviter: User) -> Invite | None:
    """A partner admin invites someone into their own organisation, revealing no accounts.

    When the address already has an account (in any organisation, or staff), no invitation is
    created: the address gets an `invite_existing_account` e-mail pointing to the sign-in page,
    the attempt is audited, and None is returned. The caller answers exactly as for an
    invitation, and the team page lists both alike (see `open_invitations`).
    """
    org = inviter.organization
    if org is None:
        raise AccountError("Only members of a partner organisation invite colleagues.")
    email = normalise_email(email)
    if role not in PARTNER_ROLES:
        raise AccountError("Choose a role.")
    existing = user_by_email(email)
    if existing is None:
        invite, _token = create_invite(email, role, org, inviter)
        return invite
    inviter_name = inviter.display_name
    queue_email(
        existing.email,
        "invite_existing_account",
        f"{inviter_name} at {org.name} invited you to the {portal_name()}",
        inviter_name=inviter_name,
        organization_name=org.name,
        login_url=login_url(),
    )
    record_audit(
        inviter,
        EXISTING_ACCOUNT_ACTION,
        "user",
        existing.id,
        organization_id=org.id,
        after={"email": email, "role": role},
    )
    return None


def find_invite(token: str) -> Invite | None:
    """The invitation a link carries, whatever its state."""
    return db.session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))


def invite_problem(invite: Invite | None) -> str | None:
    """Why an invitation cannot be accepted, or None.

    One of "unknown", "used", "suspended" (its organisation is suspended) or "expired".
    """
    if invite is None:
        return "unknown"
    if invite.accepted_at is not None:
        return "used"
    if invite.organization is not None and invite.organization.status == OrgStatus.SUSPENDED:
        return "suspended"
    if invite.expires_at <= utcnow():
        return "expired"
    return None


def accept_invite(invite: Invite, name: str, password: str, job_title: str = "") -> User:
    """Create the invited user in the invitation's organisation and role; single use.

    Refused (InvalidToken) when the invitation is used, expired or its organisation suspended.
    An organisation still `invited` starts onboarding with its first member (`lifecycle`).
    """
    if invite_problem(invite) is not None:
        raise InvalidToken("This invitation is no longer valid.")
    check_password_rules(password, invite.email)
    return _create_invited_user(invite, name, job_title, password)


def accept_invite_by_provider(invite: Invite, name: str) -> User:
    """Accept an invitation for someone their identity provider vouched for (single sign-on).

    The same rules as `accept_invite`, without a password: the account signs in through the
    provider (and may set a password by reset, if its organisation allows passwords).
    """
    if invite_problem(invite) is not None:
        raise InvalidToken("This invitation is no longer valid.")
    return _create_invited_user(invite, name, "", None)


def open_invite_for(email: str, organization_id: int | None) -> Invite | None:
    """The newest invitation of this address into the organisation that may still be accepted.

    `organization_id` None looks for a staff invitation.
    """
    org_match = (
        Invite.organization_id.is_(None)
        if organization_id is None
        else Invite.organization_id == organization_id
    )
    invite = db.session.scalar(
        sa.select(Invite)
        .where(Invite.email == email, org_match, Invite.accepted_at.is_(None))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
        .limit(1)
    )
    return invite if invite is not None and invite_problem(invite) is None else None


def _create_invited_user(invite: Invite, name: str, job_title: str, password: str | None) -> User:
    ensure_email_free(invite.email)
    now = utcnow()
    # A conditional update: of two simultaneous acceptances only one changes the row.
    if not update_if_unset(invite, "accepted_at", accepted_at=now):
        raise InvalidToken("This invitation has already been used.")

    org = invite.organization
    user = User(
        email=invite.email,
        name=name.strip(),
        job_title=job_title.strip(),
        role=invite.role,
        organization=org,
    )
    if password is not None:
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
    if org is not None:
        # Refused (TransitionRefused, an AccountError) if it was suspended a moment ago.
        start_onboarding(org, user)
    return user


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


def open_invitations(org: Organization) -> list[OpenInvitation]:
    """What the partner admin sees as open invitations, newest first.

    The pending invitations plus, for as long as an invitation would stay open, the addresses
    invited that already had an account: otherwise the list would show which addresses have
    one. Staff pages use `pending_invites`, which lists only real invitations.
    """
    valid_for = timedelta(days=current_app.config["INVITE_VALID_DAYS"])
    rows = [
        OpenInvitation(invite.email, invite.role, invite.created_at, invite.expires_at)
        for invite in pending_invites(org)
    ]
    entries = recent_entries(EXISTING_ACCOUNT_ACTION, org.id, since=utcnow() - valid_for)
    rows.extend(
        OpenInvitation(
            email=entry.after["email"],
            role=entry.after["role"],
            created_at=entry.created_at,
            expires_at=entry.created_at + valid_for,
        )
        for entry in entries
        if entry.after
    )
    rows.sort(key=lambda row: row.created_at, reverse=True)
    return rows
