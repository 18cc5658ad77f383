"""What the login page asks single sign-on (registered in accounts' slot at start)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from portal.accounts.api import SignInRouter
from portal.accounts.models import User
from portal.extensions import db
from portal.sso.domains import domain_of
from portal.sso.models import SsoDomain, SsoProvider, owner_key

__all__ = ["PASSWORDS_OFF", "router"]

PASSWORDS_OFF = (
    "Your organisation signs in with single sign-on: enter your e-mail address on the sign-in "
    "page and continue to your company's sign-in."
)


def any_provider() -> bool:
    """Whether any provider is on (with at least one domain)."""
    return (
        db.session.scalar(
            sa.select(SsoDomain.id)
            .join(SsoProvider, SsoProvider.id == SsoDomain.provider_id)
            .where(SsoProvider.enabled.is_(True))
            .limit(1)
        )
        is not None
    )


def start_url_for(email: str) -> str | None:
    """The sign-in start of the provider this address's domain is routed to, or None."""
    provider_id = db.session.scalar(
        sa.select(SsoProvider.id)
        .join(SsoDomain, SsoDomain.provider_id == SsoProvider.id)
        .where(SsoDomain.domain == domain_of(email), SsoProvider.enabled.is_(True))
    )
    if provider_id is None:
        return None
    return url_for("sso.start", provider_id=provider_id, login_hint=email)


def password_refusal_for(user: User) -> str | None:
    """PASSWORDS_OFF when the user's organisation (or the team) turned passwords off."""
    owner = owner_key(None if user.is_staff else user.organization_id)
    off = db.session.scalar(
        sa.select(SsoProvider.id).where(
            SsoProvider.owner == owner,
            SsoProvider.enabled.is_(True),
            SsoProvider.password_login_disabled.is_(True),
        )
    )
    return PASSWORDS_OFF if off is not None else None


def router() -> SignInRouter:
    """The router the login page consults."""
    return SignInRouter(
        any_provider=any_provider,
        start_url_for=start_url_for,
        password_refusal_for=password_refusal_for,
    )
