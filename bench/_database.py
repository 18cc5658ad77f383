"""Throwaway benchmark databases and a bulk writer for them.

SQLite: a file in the work directory. PostgreSQL: a fresh database `flywheel_bench_<random>`
created on the server named by `--database-url` (whose own database is never touched) and
dropped at the end. Rows go in through the driver directly: `executemany` on SQLite, `COPY` on
PostgreSQL, which is what makes a million quiz attempts take seconds rather than minutes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PROTECTED_DATABASES = frozenset({"test", "postgres", "template0", "template1"})


@dataclass
class BenchDatabase:
    """A database made for one benchmark run; `drop()` removes it."""

    url: str
    label: str
    server_url: str | None = None  # maintenance URL, for PostgreSQL
    name: str = ""
    sqlite_file: Path | None = None

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite_file is not None else "postgresql"

    def drop(self) -> None:
        """Delete the database (PostgreSQL: DROP DATABASE; SQLite: remove the file)."""
        if self.sqlite_file is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.sqlite_file}{suffix}").unlink(missing_ok=True)
            return
        if self.name in PROTECTED_DATABASES or not self.name.startswith("flywheel_bench_"):
            raise RuntimeError(f"refusing to drop database {self.name!r}")
        engine = _maintenance_engine(self.server_url or "")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            engine.dispose()

    def describe(self) -> str:
        """Where the data lives, without credentials."""
        if self.sqlite_file is not None:
            return f"SQLite file {self.sqlite_file}"
        shown = make_url(self.url).render_as_string(hide_password=True)
        return f"PostgreSQL database {self.name} ({shown})"


def create_database(database_url: str | None, workdir: Path, label: str) -> BenchDatabase:
    """A new empty database: a SQLite file under `workdir`, or a fresh PostgreSQL database."""
    if not database_url:
        path = workdir / f"bench-{label}.sqlite"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return BenchDatabase(url=f"sqlite:///{path}", label=label, sqlite_file=path)
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit(
            "--database-url must be a PostgreSQL server URL (SQLite is the default, in --workdir)"
        )
    url = url.set(drivername="postgresql+psycopg")
    server_url = url.set(database="postgres").render_as_string(hide_password=False)
    name = f"flywheel_bench_{secrets.token_hex(4)}"
    engine = _maintenance_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return BenchDatabase(
        url=url.set(database=name).render_as_string(hide_password=False),
        label=label,
        server_url=server_url,
        name=name,
    )


def _maintenance_engine(server_url: str) -> sa.Engine:
    return sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


class BulkWriter:
    """Writes plain tuples straight into tables through the driver, in one transaction."""

    def __init__(self, engine: sa.Engine):
        self.dialect = engine.dialect.name
        self._raw = engine.raw_connection()
        driver = self._raw.driver_connection
        if driver is None:  # only a connection already closed has none
            raise RuntimeError("the pool handed out a closed database connection")
        self._driver: Any = driver
        if self.dialect == "sqlite":
            self._driver.execute("PRAGMA synchronous = OFF")
            self._driver.execute("PRAGMA cache_size = -262144")
        self.ts: Callable[[datetime | None], Any] = (
            _sqlite_timestamp if self.dialect == "sqlite" else _identity
        )
        self.rows_written = 0

    def write(self, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
        """Insert `rows` (tuples in `columns` order) into `table`."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" for _ in columns)
            # Table and column names are the bench's own constants, never input.
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            self._driver.executemany(insert, rows)
        else:
            with (
                self._driver.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        self.rows_written += len(rows)

    def finish(self, tables: Sequence[str]) -> None:
        """Commit, move PostgreSQL's id sequences past the ids written, and close."""
        if self.dialect == "postgresql":
            with self._driver.cursor() as cursor:
                for table in tables:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    )
        self._raw.commit()
        if self.dialect == "sqlite":
            self._driver.execute("PRAGMA synchronous = FULL")
        self._raw.close()


def analyze(engine: sa.Engine) -> None:
    """Refresh the planner's statistics, as a production database's autovacuum would."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def _sqlite_timestamp(value: datetime | None) -> str | None:
    # The text SQLAlchemy's SQLite DateTime type writes and reads back.
    return None if value is None else value.isoformat(" ", "microseconds")


def _identity(value: datetime | None) -> datetime | None:
    return value
