"""The app's own addresses: absolute links (e-mails, printed pages) and safe `next` targets.

`absolute_url` builds a link from BASE_URL, never from the request, so it is right behind a
proxy and in CLI commands. `local_target` is the one check a `next` address passes before a
redirect goes there: only a path on this site, never another site (no open redirect).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app

__all__ = ["NEXT_MAX_LENGTH", "absolute_url", "init_app", "local_target"]

# A page's address with its filters is far shorter; anything longer is not one we wrote.
NEXT_MAX_LENGTH = 2000


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint, from BASE_URL rather than the request (proxies, CLI)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def local_target(value: str | None, within: str = "/") -> str | None:
    """`value` when it is a path on this site under `within` (for a redirect), else None.

    Refused: another site (`https://…`, `//host`), any scheme (`javascript:`), a backslash
    and control characters (browsers read `/\\host` and `/\\t/host` as `//host`), a relative
    path, and anything longer than NEXT_MAX_LENGTH.
    """
    if not value or len(value) > NEXT_MAX_LENGTH:
        return None
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    if value.startswith("//"):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced "[" in what would be the host
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    prefix = within.rstrip("/")
    if prefix and parts.path != prefix and not parts.path.startswith(prefix + "/"):
        return None
    return value


def init_app(app: Flask) -> None:
    """Let templates (e-mails above all) build absolute links the same way."""
    app.jinja_env.globals["absolute_url"] = absolute_url
