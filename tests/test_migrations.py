"""The migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import create_app, init_migrations
from portal.extensions import db
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database: a SQLite file, or a throwaway PostgreSQL database."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    admin_url = TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"flywheel_migrations_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_gives_exactly_the_models_schema(empty_database_url: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    init_migrations(app)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"migrations and models differ: {differences}"

        # And the way back works, leaving only Alembic's own table.
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert tables <= {"alembic_version"}
        db.engine.dispose()


def test_0008_fills_accepted_at_from_the_timelines(empty_database_url: str) -> None:
    """A referral accepted before the column existed counts for its tier from the moment of
    its "accepted" event; one never accepted stays without."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    init_migrations(app)
    accepted_on = datetime(2026, 3, 4, 5, 6, 7)
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            tables = sa.MetaData()
            tables.reflect(conn, only=["organizations", "users", "referrals", "referral_events"])
            _insert(conn, tables.tables["organizations"], id=1)
            _insert(conn, tables.tables["users"], id=1, organization_id=1)
            for referral_id in (1, 2):
                _insert(conn, tables.tables["referrals"], id=referral_id, organization_id=1,
                        submitted_by_id=1, idempotency_key=f"k{referral_id}")  # fmt: skip
            events = tables.tables["referral_events"]
            _insert(conn, events, id=1, referral_id=1, kind="submitted", actor_id=None)
            _insert(conn, events, id=2, referral_id=1, kind="accepted", actor_id=None,
                    created_at=accepted_on)  # fmt: skip
            _insert(conn, events, id=3, referral_id=2, kind="rejected", actor_id=None)
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, accepted_at FROM referrals ORDER BY id"))
            accepted = {int(ref_id): at for ref_id, at in rows}
        db.engine.dispose()
    assert accepted[2] is None
    assert str(accepted[1]).startswith("2026-03-04 05:06:07")


def _insert(conn: sa.Connection, table: sa.Table, **values: object) -> None:
    """A row with `values` and a plain value in every other required column."""
    filler = {sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.Boolean: True}
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if isinstance(column.type, sa.DateTime):
            row[column.name] = datetime(2026, 1, 1)
        else:
            row[column.name] = next(v for t, v in filler.items() if isinstance(column.type, t))
    conn.execute(table.insert().values(**row))
