"""SQLite setup: WAL, a busy timeout, and which transactions take the write lock up front."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.accounts.models import Role
from portal.database import BUSY_TIMEOUT_MS, takes_write_lock
from portal.extensions import db
from tests.conftest import FIXTURE_CONTENT, new_org, new_user, sign_in
from tests.kits.conftest import WEBINAR


@pytest.fixture
def db_backend() -> str:
    """The rule test needs only one database; the others make a SQLite file of their own."""
    return "sqlite"


@contextmanager
def begins(engine: sa.Engine) -> Iterator[list[str]]:
    """The BEGIN statements the app's connections run inside the block."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite file of its own; no app context stays pushed, as in production."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "database-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite'}",
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_sqlite_connection_uses_wal_and_waits_for_the_lock(file_app: Flask) -> None:
    with file_app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_pages_read_and_writers_take_the_lock_up_front(file_app: Flask) -> None:
    client, staff = file_app.test_client(), file_app.test_client()
    with file_app.app_context():
        sign_in(client, new_user(Role.PARTNER_USER, new_org(partner_type="referral")))
        sign_in(staff, new_user(Role.STAFF))
        engine = db.engine

    with begins(engine) as reading:
        assert client.get("/referrals").status_code == 200
    with begins(engine) as posting:
        assert client.post("/referrals/new", data={}).status_code == 422
    with begins(engine) as downloading:
        response = client.get(f"/kits/{WEBINAR}/files/banner.png")
        response.close()
        assert response.status_code == 200

    with begins(engine) as exporting:
        response = staff.get("/inbox/export.csv")
        assert response.status_code == 200 and response.get_data(as_text=True)

    with begins(engine) as first_view:
        assert client.get("/playbooks/battle-cards/spreadsheets").status_code == 200
    with begins(engine) as second_view:
        assert client.get("/playbooks/battle-cards/spreadsheets").status_code == 200

    assert reading == ["BEGIN"]
    # A content view is written once a day in a short transaction of its own, after the
    # page's reads; seen again, the page only reads.
    assert first_view == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]
    assert second_view == ["BEGIN"]
    assert posting == ["BEGIN IMMEDIATE"]
    assert downloading == ["BEGIN IMMEDIATE"]
    # The export is put on record and committed first; the rows it streams are only read.
    assert exporting == ["BEGIN IMMEDIATE", "BEGIN"]


def test_the_rule_for_who_takes_the_write_lock(app: Flask) -> None:
    assert takes_write_lock(), "outside a request (CLI commands, workers) writers go first"
    with app.test_request_context("/referrals", method="GET"):
        assert not takes_write_lock()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with app.test_request_context("/referrals/new", method=method):
            assert takes_write_lock()
    with app.test_request_context(f"/kits/{WEBINAR}/files/banner.png", method="GET"):
        assert takes_write_lock(), "a download is recorded: its first transaction writes"
        assert not takes_write_lock(), "after that commit the request only reads"
    with app.test_request_context("/inbox/export.csv", method="GET"):
        assert takes_write_lock(), "an export is put on record first"
