"""The inbox's keyset cursor: where a page ended, signed so a tampered cursor means page 1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from portal.referrals.api import as_utc

_CURSOR_SALT = "inbox-cursor-v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Position:
    """Where a page ended: phase 0 (running clock, due ascending) or 1 (closed, id desc)."""

    phase: int
    due: datetime | None
    id: int


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_CURSOR_SALT)


def write_cursor(position: Position) -> str:
    due = None
    if position.due is not None:
        due = (as_utc(position.due) - _EPOCH) // timedelta(microseconds=1)
    return _serializer().dumps([position.phase, due, position.id])


def read_cursor(cursor: str | None) -> Position | None:
    """The position in a cursor this app wrote; None for anything else (the first page)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        phase, due, ident = _serializer().loads(cursor)
    except (BadData, TypeError, ValueError):
        return None
    if phase not in (0, 1) or not isinstance(ident, int) or isinstance(ident, bool):
        return None
    if phase == 0:
        if not isinstance(due, int) or isinstance(due, bool):
            return None
        try:
            moment = _EPOCH + timedelta(microseconds=due)
        except OverflowError:
            return None
        return Position(phase=0, due=moment, id=ident)
    return Position(phase=1, due=None, id=ident)
