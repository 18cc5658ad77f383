"""A lost database: recognising it, and logging it once per outage rather than per request.

A request that fails because PostgreSQL (or the SQLite file) cannot be reached is not a bug
in that request: it answers 503 (portal/errors.py) and /healthz answers 503. The log gets one
warning when the outage starts and one info line when the database answers again.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from portal.extensions import db

__all__ = ["DatabaseOutage", "database_lost", "note_database_lost"]


def database_lost(error: BaseException) -> bool:
    """True when `error` means the database cannot be reached, not that a statement failed.

    SQLAlchemy marks an error raised on an established connection that the driver reports as
    broken (psycopg, sqlite3) with `connection_invalidated`. An error raised while opening a
    connection (refused, timed out, a file that cannot be opened) carries no statement.
    """
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError) and error.statement is None


def _one_line(error: DBAPIError) -> str:
    # The driver's own message only: SQLAlchemy's text adds the statement and its parameters,
    # which can hold a session token or personal data.
    return " ".join(str(error.orig).split()) or type(error.orig).__name__


class DatabaseOutage:
    """Whether this process has seen the database go away, and the two log lines about it."""

    def __init__(self, app: Flask) -> None:
        self._logger = app.logger
        self._lock = threading.Lock()
        self._down = False

    @property
    def down(self) -> bool:
        """True from the first failure until the database answers again."""
        return self._down

    def lost(self, error: DBAPIError) -> None:
        """Note a failure; only the first one of an outage is logged."""
        with self._lock:
            if self._down:
                return
            self._down = True
        self._logger.warning(
            "database unreachable; answering 503 until it returns: %s", _one_line(error)
        )

    def answered(self) -> None:
        """Note that the database answered; ends an outage, if there was one."""
        if not self._down:  # the common case, read without the lock
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        self._logger.info("database answers again")


def note_database_lost(error: DBAPIError) -> None:
    """Record a lost database on the current app's outage state (logged once per outage)."""
    outage: DatabaseOutage = current_app.extensions["database_outage"]
    outage.lost(error)


def init_app(app: Flask) -> None:
    """Keep the outage state on the app; a connection handed out by the pool ends an outage."""
    outage = DatabaseOutage(app)
    app.extensions["database_outage"] = outage

    def on_checkout(*_args: Any) -> None:
        # The pool pings each connection before handing it out (pool_pre_ping), so a
        # checkout means the database answered.
        outage.answered()

    with app.app_context():
        for engine in db.engines.values():
            sa.event.listen(engine, "checkout", on_checkout)
