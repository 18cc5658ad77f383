"""Absolute links for e-mails: built from BASE_URL, so they work in CLI commands too."""

from __future__ import annotations

from typing import Any

from flask import current_app

__all__ = ["absolute_url", "invite_url", "login_url", "reset_url"]


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint, from BASE_URL rather than the request (proxies, CLI)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def invite_url(token: str) -> str:
    """The absolute link that accepts an invitation."""
    return absolute_url("accounts.invite", token=token)


def reset_url(token: str) -> str:
    """The absolute link that sets a new password."""
    return absolute_url("accounts.reset", token=token)


def login_url() -> str:
    """The absolute link to the sign-in page."""
    return absolute_url("accounts.login")
