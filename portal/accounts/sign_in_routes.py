"""Where an e-mail address signs in: the slot single sign-on fills at start.

The login page (accounts) cannot import the single sign-on feature (it sits above accounts),
so `portal/sso` registers a `SignInRouter` here when the app starts and the login view asks
it by name. Without one (no single sign-on in the app) everyone signs in with a password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from portal.accounts.models import User

__all__ = [
    "SignInRouter",
    "email_first",
    "password_refusal",
    "provider_start_url",
    "register_sign_in_router",
]

_KEY = "flywheel_sign_in_router"


@dataclass(frozen=True)
class SignInRouter:
    """The three questions the login page asks single sign-on."""

    # Whether any provider is configured: only then does the login page ask for the e-mail
    # on its own first (otherwise the extra step would cost every user a click for nothing).
    any_provider: Callable[[], bool]
    # The URL that starts a provider's sign-in for this (normalised) address, or None.
    start_url_for: Callable[[str], str | None]
    # Why this user may not sign in with a password (their organisation turned passwords
    # off), or None.
    password_refusal_for: Callable[[User], str | None]


def register_sign_in_router(app: Flask, router: SignInRouter) -> None:
    """Install the router the login page consults (called once at start)."""
    app.extensions[_KEY] = router


def _router() -> SignInRouter | None:
    return current_app.extensions.get(_KEY)


def email_first() -> bool:
    """Whether the login page asks for the e-mail address on its own first."""
    router = _router()
    return router is not None and router.any_provider()


def provider_start_url(email: str) -> str | None:
    """Where this address starts signing in through its identity provider, or None."""
    router = _router()
    return router.start_url_for(email) if router is not None else None


def password_refusal(user: User) -> str | None:
    """Why this user may not sign in with a password, or None when they may."""
    router = _router()
    return router.password_refusal_for(user) if router is not None else None
