"""Whom a verified ID token signs in: a linked identity, a known account of the provider's
organisation, an open invitation, or (when the organisation allows it) a new account.

Functions add to the session and never commit. A refusal raises SignInRefused before anything
is written, with words for the person and a short reason for the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.api import (
    AccountError,
    InvalidEmail,
    accept_invite_by_provider,
    normalise_email,
    open_invite_for,
    provision_user,
    sign_in_refusal,
    user_by_email,
)
from portal.accounts.models import Organization, Role, User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.sso.domains import domain_of
from portal.sso.models import SsoIdentity, SsoProvider
from portal.sso.oidc import Identity

__all__ = ["SignInRefused", "account_for", "record_refusal", "record_sign_in"]


class SignInRefused(Exception):
    """A verified identity that may not sign in: `message` for the person, `reason` for audit."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def _belongs(user: User, provider: SsoProvider) -> bool:
    if provider.organization_id is None:
        return user.is_staff
    return user.organization_id == provider.organization_id


def _default_role(provider: SsoProvider) -> str:
    return Role.STAFF.value if provider.organization_id is None else Role.PARTNER_USER.value


def _check_email(provider: SsoProvider, identity: Identity) -> str:
    try:
        email = normalise_email(identity.email)
    except InvalidEmail as exc:
        raise SignInRefused(
            "Your identity provider sent an e-mail address we cannot read.", "bad_email"
        ) from exc
    if identity.email_verified is False:
        raise SignInRefused(
            f"Your identity provider has not verified {email}: ask its administrator.",
            "email_unverified",
        )
    if domain_of(email) not in provider.domain_names:
        raise SignInRefused(
            f"Your identity provider signed you in as {email}, but {domain_of(email)} is not "
            "a domain this provider answers for here. Sign in with your own organisation's "
            "address, or ask your partner admin to add the domain.",
            "foreign_domain",
        )
    return email


def _linked_user(provider: SsoProvider, subject: str) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .join(SsoIdentity, SsoIdentity.user_id == User.id)
        .where(SsoIdentity.provider_id == provider.id, SsoIdentity.subject == subject)
    )


def _new_user(provider: SsoProvider, email: str, identity: Identity) -> User:
    invite = open_invite_for(email, provider.organization_id)
    try:
        if invite is not None:
            return accept_invite_by_provider(invite, identity.name)
        if provider.jit_provisioning:
            return provision_user(
                email, identity.name, _default_role(provider), _organization(provider)
            )
    except AccountError as exc:
        raise SignInRefused(str(exc), "refused_by_accounts") from exc
    raise SignInRefused(
        f"There is no account for {email} yet, and your organisation does not create accounts "
        "on first sign-in. Ask your partner admin (or the partner team) for an invitation, "
        "then sign in here again.",
        "no_account",
    )


def _organization(provider: SsoProvider) -> Organization | None:
    if provider.organization_id is None:
        return None
    return db.session.get(Organization, provider.organization_id)


def account_for(provider: SsoProvider, identity: Identity) -> tuple[User, bool]:
    """The user this identity signs in, and whether the account was made just now."""
    email = _check_email(provider, identity)
    user = _linked_user(provider, identity.subject)
    created = False
    if user is None:
        user = user_by_email(email)
        if user is None:
            user = _new_user(provider, email, identity)
            created = True
    if not _belongs(user, provider):
        raise SignInRefused(
            f"{email} has an account that belongs to another organisation: sign in with a "
            "password, or ask the partner team.",
            "other_organization",
        )
    refusal = sign_in_refusal(user)
    if refusal is not None:
        raise SignInRefused(refusal, "account_disabled")
    return user, created


def record_sign_in(provider: SsoProvider, identity: Identity, user: User, created: bool) -> None:
    """Link the identity to the user (first time) and audit the sign-in."""
    now = utcnow()
    link = db.session.scalar(
        sa.select(SsoIdentity).where(
            SsoIdentity.provider_id == provider.id, SsoIdentity.subject == identity.subject
        )
    )
    if link is None:
        link = SsoIdentity(provider_id=provider.id, subject=identity.subject, user_id=user.id)
        db.session.add(link)
    link.last_sign_in_at = now
    record_audit(
        user,
        "sso.signed_in",
        "user",
        user.id,
        organization_id=user.organization_id,
        after={"provider_id": provider.id, "issuer": provider.issuer, "new_account": created},
    )


def record_refusal(provider: SsoProvider, identity: Identity, refused: SignInRefused) -> None:
    """Audit a refused sign-in of a verified identity (the provider vouched for it)."""
    record_audit(
        None,
        "sso.refused",
        "sso_provider",
        provider.id,
        organization_id=provider.organization_id,
        after={"email": identity.email[:254], "reason": refused.reason},
    )
