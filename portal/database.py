"""The embedded SQLite database under concurrent requests: WAL, a busy timeout, the write lock.

SQLite has one write lock per database file. Two things make it hold many writers:

- WAL mode lets readers work while one connection writes, and a busy timeout makes a
  writer wait for the lock instead of failing at once with "database is locked".
- A transaction that may write takes the write lock when it begins (BEGIN IMMEDIATE). A
  plain BEGIN reads from a snapshot and asks for the lock only at its first write; if another
  connection committed in between, SQLite cannot let it write from its stale snapshot and
  fails at once ("database is locked", no waiting). So a writer never reads first.

The rule for who takes the lock up front (`takes_write_lock`):
- a request with an unsafe method (POST, PUT, PATCH, DELETE): every transaction it begins;
- a GET view marked `@writes_database` (a kit download is recorded before the file is sent):
  its first transaction, the one that writes; afterwards the request only reads;
- outside a request (CLI commands, `flask outbox run`, scripts): every transaction;
- a GET that calls `write_and_commit` (a content view, recorded once a day): the transaction
  that block begins, after the page's read transaction was ended;
- any other GET or HEAD: a plain BEGIN. Pages read from their snapshot side by side, and
  alongside the one writer, never queueing behind each other.

Foreign keys stay as SQLite's default (not enforced): no rule in the portal relies on the
database refusing an orphan or cascading a delete, PostgreSQL (which the whole suite also runs
on) enforces them, and Alembic's batch migrations rebuild SQLite tables by drop-and-rename,
which enforcement would refuse on a database that holds rows.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request

from portal.extensions import db

# Longest a writer waits for the lock. Writes are short, but `flask outbox run` holds the lock
# while it sends one message (up to SMTP_TIMEOUT), and a queue of submissions forms behind it.
BUSY_TIMEOUT_MS = 30_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOCK_TAKEN = "portal.sqlite_write_lock_taken"
_WRITE_NEXT = "portal.sqlite_write_next"

View = TypeVar("View", bound=Callable[..., Any])
T = TypeVar("T")


def writes_database(view: View) -> View:
    """Mark a GET view that writes: its first transaction takes SQLite's write lock up front.

    Put it right under the route decorator so the registered view carries the mark.
    """
    vars(view)["writes_database"] = True  # a function attribute (a Callable type declares none)
    return view


def write_and_commit(write: Callable[[], T]) -> T:
    """From a reading request (a GET page): end its read transaction, run `write` in a short
    transaction of its own that takes the write lock up front, and commit it.

    For a page that writes only sometimes (a content view, once a day): the page's reads never
    hold the write lock, unlike a view marked @writes_database.
    """
    db.session.commit()
    if has_request_context():
        request.environ[_WRITE_NEXT] = True
    try:
        result = write()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        if has_request_context():
            request.environ.pop(_WRITE_NEXT, None)
    return result


def takes_write_lock() -> bool:
    """Whether the transaction beginning now takes the write lock (the rule in the docstring)."""
    if not has_request_context():
        return True
    if request.environ.pop(_WRITE_NEXT, False):
        return True
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "writes_database", False) and not request.environ.get(_LOCK_TAKEN):
        request.environ[_LOCK_TAKEN] = True
        return True
    return False


def init_app(app: Flask) -> None:
    """Set up every SQLite engine of the app, and every engine for a fork (gunicorn --preload)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        _forget_pool_after_fork(engine)


def _forget_pool_after_fork(engine: sa.Engine) -> None:
    # With `gunicorn --preload` the app is built once and forked into each worker: a pooled
    # connection the parent opened must never be used by two processes. SQLAlchemy's documented
    # recipe: the child drops the parent's pool without closing its connections.
    engine_ref = weakref.ref(engine)

    def forget() -> None:
        child_engine = engine_ref()
        if child_engine is not None:
            child_engine.dispose(close=False)

    os.register_at_fork(after_in_child=forget)


def _configure_sqlite(engine: sa.Engine) -> None:
    sa.event.listen(engine, "connect", _on_connect)
    sa.event.listen(engine, "begin", _on_begin)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would BEGIN on its own, late and only before writes (and never before a
    # SAVEPOINT); SQLAlchemy's documented recipe takes transaction control over: no BEGIN from
    # the driver, and `_on_begin` emits the one we choose.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _on_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if takes_write_lock() else "BEGIN")
