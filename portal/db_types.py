"""Column types and row helpers shared by every feature."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from portal.extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as UTC and always returned timezone-aware.

    SQLite has no time zones; PostgreSQL has. Storing naive UTC everywhere and attaching
    UTC on the way out gives both databases the same behaviour.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def updated(result: sa.Result[Any]) -> sa.CursorResult[Any]:
    """The result of an UPDATE or DELETE, typed so its `rowcount` can be read.

    Such a statement always answers a CursorResult; Session.execute() is typed for any Result.
    """
    return cast("sa.CursorResult[Any]", result)


def update_if_unset(row: Any, column: str, **values: Any) -> bool:
    """Write `values` to the row only while `column` is still NULL; True if this call did.

    One conditional UPDATE decided by the database, so a single-use thing (an invite, a reset
    link, a quiz attempt) is used once even when two requests race: exactly one wins. The
    loaded object is updated to match without being marked dirty (no second UPDATE at flush).
    """
    model = type(row)
    result = updated(
        db.session.execute(
            sa.update(model)
            .where(model.id == row.id, getattr(model, column).is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    if result.rowcount != 1:
        return False
    for key, value in values.items():
        set_committed_value(row, key, value)
    return True


def insert_for_dialect(model: Any) -> Any:
    """INSERT for the session's database with ON CONFLICT support (SQLite or PostgreSQL).

    `on_conflict_do_nothing` / `on_conflict_do_update` let the database decide races that a
    read-then-write in Python would lose.
    """
    insert = sqlite_insert if db.engine.dialect.name == "sqlite" else postgresql_insert
    return insert(model)
