"""How tests stay apart cheaply: apps built once, schemas made once, every test rolled back.

- An app is built once per distinct configuration per session (`cached_app`), and its
  database schema once per database. A test that changes the shared app (its config, its
  extensions, the content index, the rate limiter's counters) finds them reset when the next
  test starts (`reset_app`).
- Each test runs inside a transaction on one connection that is rolled back at its end
  (`rolled_back`): SQLAlchemy's "join a session into an external transaction" recipe. The
  Flask-SQLAlchemy session is bound to that connection with
  `join_transaction_mode="create_savepoint"`, so `db.session.commit()` in the code and in the
  tests releases a SAVEPOINT instead of committing, and `db.session.rollback()` rolls back to
  it. Requests from the test client share the test's app context and so its session.
- A module may build an expensive world once (`module_world`): the module then keeps one
  connection whose transaction holds the world until the module ends, and each of its tests
  runs in a SAVEPOINT on it, rolled back at the test's end.
- Tests that need separate connections, threads or processes (`real_commits`) commit for
  real; every table is emptied after them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, g
from flask_sqlalchemy.session import Session as FlaskSession

from portal import create_app
from portal.content_runtime import EXTENSION_KEY as CONTENT_KEY
from portal.extensions import db, limiter

T = TypeVar("T")

# Distinct configurations kept built per worker; tests that build a configuration of their own
# (a temporary content directory, say) push older ones out.
APP_CACHE_SIZE = 16

# Statements that only delimit transactions: the rolled-back tests add SAVEPOINTs around each
# `commit()`, and SQLite's BEGIN is emitted by the app itself, so query counts leave them out.
TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE
)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session, except that a session given a connection uses it.

    Flask-SQLAlchemy 3.1 overrides `get_bind` to pick the engine by the model's bind key and
    never looks at `Session.bind`: a session made with `bind=connection` would still check out
    a connection of its own from the engine, outside the test's transaction.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kw)


db.session.session_factory.class_ = JoinedSession


# --- apps and schemas ---------------------------------------------------------------------


@dataclass
class _Built:
    app: Flask
    config: dict[str, Any]
    extensions: dict[str, Any]
    content_index: Any
    setup: tuple[Any, ...]


def _setup_of(app: Flask) -> tuple[Any, ...]:
    """What a test could add to an app's setup (routes, blueprints, hooks), in brief."""
    return (
        sum(1 for _rule in app.url_map.iter_rules()),
        tuple(app.view_functions),
        tuple(app.blueprints),
        tuple(len(funcs) for funcs in app.before_request_funcs.values()),
        tuple(len(funcs) for funcs in app.after_request_funcs.values()),
    )


_apps: OrderedDict[str, _Built] = OrderedDict()
_schemas_ready: set[str] = set()
_last_used: dict[str, Flask] = {}  # by database URL


def forget_request_globals() -> None:
    """Tests keep one app context open, so requests share `g`: make each start clean.

    Flask-Login caches the user and Flask-WTF the CSRF token on `g`; without this, a second
    client would see the first one's user, and a deactivation would not take effect.
    """
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def _config_key(config: dict[str, Any]) -> str:
    return repr(sorted(config.items()))


def cached_app(config: dict[str, Any]) -> Flask:
    """The app for this configuration, built (with its schema) on first use in the session."""
    key = _config_key(config)
    built = _apps.get(key)
    if built is not None and _setup_of(built.app) != built.setup:
        # A test added a route or a hook to it: build it anew rather than carry that along.
        del _apps[key]
        _dispose(built.app)
        built = None
    if built is None:
        built = _build(config)
        _apps[key] = built
        while len(_apps) > APP_CACHE_SIZE:
            _key, old = _apps.popitem(last=False)
            _dispose(old.app)
            for url, last in list(_last_used.items()):
                if last is old.app:
                    del _last_used[url]
    _apps.move_to_end(key)
    # One app per database keeps pooled connections (PostgreSQL counts them per server).
    url = config["SQLALCHEMY_DATABASE_URI"]
    previous = _last_used.get(url)
    if previous is not None and previous is not built.app:
        _dispose(previous)
    _last_used[url] = built.app
    reset_app(built)
    return built.app


def _build(config: dict[str, Any]) -> _Built:
    app = create_app(config)
    app.before_request_funcs.setdefault(None, []).insert(0, forget_request_globals)
    with app.app_context():
        url = str(db.engine.url)
        if url not in _schemas_ready:
            if db.engine.dialect.name == "postgresql":
                db.drop_all()  # a schema left by an earlier run may predate today's models
            db.create_all()
            _schemas_ready.add(url)
    store = app.extensions.get(CONTENT_KEY)
    return _Built(
        app=app,
        config=dict(app.config),
        extensions=dict(app.extensions),
        content_index=store.index if store is not None else None,
        setup=_setup_of(app),
    )


def _dispose(app: Flask) -> None:
    """Close the app's connections: a module's kept one first (the pool would lose track)."""
    with app.app_context():
        for url, kept in list(_module_connections.items()):
            if kept.engine is db.engine:
                close_module_connections(url=url)
        db.engine.dispose()


def reset_app(built: _Built) -> None:
    """Undo what earlier tests changed on the shared app, and clear the rate-limit counters."""
    app = built.app
    # Flask refuses new routes once an app has served a request; a test may add one to the
    # shared app as it could to a new one (`cached_app` then builds a new app for the next).
    app._got_first_request = False
    app.config.clear()
    app.config.update(built.config)
    app.extensions.clear()
    app.extensions.update(built.extensions)
    store = app.extensions.get(CONTENT_KEY)
    if store is not None:
        store._index = built.content_index
    # The limiter is one object for every app (it takes the last built app's setting), and
    # its memory storage outlives each test: counters keyed by a user id would carry over.
    limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    if limiter.enabled:
        limiter.reset()


# --- one test's transaction ----------------------------------------------------------------


@dataclass
class _ModuleConnection:
    """A connection a module keeps, inside a transaction that holds its worlds until it ends."""

    engine: sa.Engine
    module: str
    connection: sa.Connection
    transaction: sa.RootTransaction
    worlds: dict[str, Any] = field(default_factory=dict)


@dataclass
class _TestTransaction:
    module: str
    connection: sa.Connection
    transaction: sa.Transaction
    owns_connection: bool
    writes: int = 0

    def count_writes(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if _WRITE.match(statement):
            self.writes += 1


_module_connections: dict[str, _ModuleConnection] = {}  # by database URL
_current: list[_TestTransaction] = []


def close_module_connections(module: str | None = None, url: str | None = None) -> None:
    """Roll back and close the connections kept by `module` (or kept on `url`, or all)."""
    for key, kept in list(_module_connections.items()):
        if (module is None or kept.module == module) and (url is None or key == url):
            del _module_connections[key]
            if kept.transaction.is_active:
                kept.transaction.rollback()
            kept.connection.close()


@contextmanager
def rolled_back(module: str, uses_world: bool) -> Iterator[None]:
    """Run the test inside a transaction (or a SAVEPOINT of its module's) rolled back after.

    A test that uses no module world starts on an empty database: the world's transaction is
    rolled back first (and built again for the next test that asks for it).
    """
    url = str(db.engine.url)
    kept = _module_connections.get(url)
    if kept is not None and (
        not uses_world or kept.engine is not db.engine or kept.module != module
    ):
        close_module_connections(url=url)
        kept = None
    if kept is not None:
        test = _TestTransaction(module, kept.connection, kept.connection.begin_nested(), False)
    else:
        connection = db.engine.connect()
        test = _TestTransaction(module, connection, connection.begin(), True)
    sa.event.listen(test.connection, "before_cursor_execute", test.count_writes)
    factory = db.session.session_factory
    factory.configure(bind=test.connection, join_transaction_mode="create_savepoint")
    _current[:] = [test]
    try:
        yield
    finally:
        _current.clear()
        db.session.remove()
        factory.kw.pop("bind", None)
        factory.kw.pop("join_transaction_mode", None)
        sa.event.remove(test.connection, "before_cursor_execute", test.count_writes)
        if test.transaction.is_active:
            test.transaction.rollback()
        if test.owns_connection:
            test.connection.close()


def module_world(key: str, build: Callable[[], T]) -> T:
    """What `build()` returns, built once per module and database, rolled back at module end.

    Call it (through a fixture) before anything else in the test writes: the test's own
    transaction is restarted beneath it. Return plain values (ids, references), not ORM
    objects: each test has a session of its own.
    """
    if not _current:
        raise RuntimeError("module_world needs the `app` fixture's rolled-back transaction")
    test = _current[0]
    url = str(db.engine.url)
    kept = _module_connections.get(url)
    if kept is not None and key in kept.worlds:
        return kept.worlds[key]
    if test.writes:
        raise RuntimeError(
            f"the module world {key!r} must be built before anything else in the test writes: "
            "let its fixture depend on `app` only, and request it first"
        )
    db.session.remove()
    test.transaction.rollback()
    if kept is None:
        kept = _ModuleConnection(db.engine, test.module, test.connection, test.connection.begin())
        _module_connections[url] = kept
        test.owns_connection = False
    value = build()
    db.session.remove()
    kept.worlds[key] = value
    test.transaction = test.connection.begin_nested()
    test.writes = 0
    return value


# --- tests that commit for real ------------------------------------------------------------


@contextmanager
def real_commits() -> Iterator[None]:
    """Let the test commit on connections of its own; empty every table afterwards."""
    close_module_connections(url=str(db.engine.url))
    try:
        yield
    finally:
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row the test committed, so the next test starts on an empty database."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()
    db.session.remove()
