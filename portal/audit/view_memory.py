"""Content views already recorded today, remembered in the signed session.

`record_content_view` writes at most one row per user, document and day; without a memory
every later GET of the same page still ran its INSERT ... ON CONFLICT DO NOTHING. The session
cookie remembers short digests of what it recorded today (bounded, so the cookie stays small)
and the repeat skips the database. A forgotten view only costs the old idempotent INSERT.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from datetime import date
from typing import Any

__all__ = ["REMEMBERED_MAX", "SESSION_KEY", "already_recorded", "remember_recorded"]

SESSION_KEY = "content_views"
# 40 digests of 8 characters: well under half a kilobyte of cookie.
REMEMBERED_MAX = 40


def _digest(user_id: int, document: str) -> str:
    return hashlib.sha256(f"{user_id}\0{document}".encode()).hexdigest()[:8]


def _today_entry(session: MutableMapping[str, Any], day: date) -> list[str] | None:
    entry = session.get(SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("day") != day.isoformat():
        return None
    seen = entry.get("seen")
    return seen if isinstance(seen, list) else None


def already_recorded(
    session: MutableMapping[str, Any], user_id: int, document: str, day: date
) -> bool:
    """Whether this session recorded the user's view of the document on `day`."""
    seen = _today_entry(session, day)
    return seen is not None and _digest(user_id, document) in seen


def remember_recorded(
    session: MutableMapping[str, Any], user_id: int, document: str, day: date
) -> None:
    """Note that the view is in the database for `day` (yesterday's notes are dropped)."""
    seen = list(_today_entry(session, day) or [])
    digest = _digest(user_id, document)
    if digest in seen:
        return
    seen = [*seen, digest][-REMEMBERED_MAX:]
    session[SESSION_KEY] = {"day": day.isoformat(), "seen": seen}
