"""The accounts e-mails' links: absolute (portal.urls), so they work in CLI commands too."""

from __future__ import annotations

from portal.urls import absolute_url

__all__ = ["invite_url", "login_url", "reset_url"]


def invite_url(token: str) -> str:
    """The absolute link that accepts an invitation."""
    return absolute_url("accounts.invite", token=token)


def reset_url(token: str) -> str:
    """The absolute link that sets a new password."""
    return absolute_url("accounts.reset", token=token)


def login_url() -> str:
    """The absolute link to the sign-in page."""
    return absolute_url("accounts.login")
