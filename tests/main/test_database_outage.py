"""A lost database answers 503 (calm page, Retry-After), is logged once, and heals at once.

On PostgreSQL the app's DATABASE_URL points at a TCP proxy that the test cuts (it stops
listening and drops every forwarded connection) and restores on the same port. On SQLite the
database file's folder is moved away and the pooled connections are closed, as a lost server
would close them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.access import login_required
from portal.accounts.models import Organization
from portal.extensions import csrf, db
from tests.conftest import TEST_DATABASE_URL, require
from tests.main.own_app import (
    create_schema_and_partner,
    dispose,
    organisations_named,
    own_postgresql_database,
    production_app,
    signed_in_client,
)
from tests.tcp_proxy import TcpProxy

SIGNED_IN_PAGES = ["/", "/referrals", "/learn", "/program"]
LOST_MID_REQUEST = "Lost Mid Request Ltd"


def _answers_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "temporarily unavailable" in page
    assert "nothing was saved" in page
    assert "try again in a minute" in page
    assert "Traceback" not in page and "OperationalError" not in page


def _problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def _portal_info(app: Flask, caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == app.logger.name and record.levelno == logging.INFO
    ]


# PostgreSQL through a proxy the test controls.


@pytest.fixture(scope="module")
def proxy() -> Iterator[TcpProxy]:
    require(bool(TEST_DATABASE_URL), "cutting PostgreSQL off needs TEST_DATABASE_URL")
    upstream = sa.make_url(TEST_DATABASE_URL)
    proxy = TcpProxy(upstream.host or "127.0.0.1", upstream.port or 5432).start()
    yield proxy
    proxy.cut()


@pytest.fixture(scope="module")
def pg_app(proxy: TcpProxy) -> Iterator[tuple[Flask, int]]:
    with own_postgresql_database("outage") as url:
        app = production_app(url.set(host="127.0.0.1", port=proxy.port))

        @app.post("/test/write-then-lose-the-database")
        @login_required
        def write_then_lose_the_database():
            db.session.add(
                Organization(name=LOST_MID_REQUEST, partner_type="referral", tier="registered")
            )
            db.session.flush()
            proxy.cut()
            db.session.execute(sa.text("SELECT 1"))
            return "unreachable"

        csrf.exempt(write_then_lose_the_database)
        user_id = create_schema_and_partner(app)
        yield app, user_id
        dispose(app)


@pytest.fixture
def pg(pg_app: tuple[Flask, int], proxy: TcpProxy) -> Iterator[tuple[Flask, FlaskClient]]:
    app, user_id = pg_app
    yield app, signed_in_client(app, user_id)
    if not proxy.listening:  # a failed test must not leave the next one without a database
        proxy.restore()


@pytest.mark.postgres
def test_signed_in_pages_answer_503_while_postgresql_is_lost_and_heal_at_once(
    pg: tuple[Flask, FlaskClient], proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    app, client = pg
    caplog.set_level(logging.INFO, logger=app.logger.name)
    assert client.get("/").status_code == 200

    proxy.cut()
    for url in SIGNED_IN_PAGES:
        # The first thing each request needs is the signed-in user: loading them fails.
        _answers_unavailable(client.get(url))
    problem = client.get("/referrals", headers={"Accept": "application/json"})
    assert problem.status_code == 503
    assert problem.mimetype == "application/problem+json"
    assert problem.headers["Retry-After"] == "60"
    assert problem.get_json(force=True) == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The portal is temporarily unavailable, and nothing was saved. "
        "Please try again in a minute.",
    }
    # Not "not found": the signed-in user could not be loaded for the page.
    _answers_unavailable(client.get("/no-such-page"))
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    assert health.headers["Retry-After"] == "60"

    logged = _problems(caplog)
    assert len(logged) == 1, [record.getMessage() for record in logged]
    assert logged[0].levelno == logging.WARNING
    assert "database unreachable" in logged[0].getMessage()
    assert "127.0.0.1" in logged[0].getMessage(), "the line names the driver's error"
    assert logged[0].exc_info is None

    proxy.restore()
    home = client.get("/")
    assert home.status_code == 200
    assert _portal_info(app, caplog) == ["database answers again"]
    assert client.get("/healthz").status_code == 200

    # The next outage is logged again, once.
    proxy.cut()
    _answers_unavailable(client.get("/referrals"))
    _answers_unavailable(client.get("/learn"))
    assert len(_problems(caplog)) == 2


@pytest.mark.postgres
def test_a_connection_lost_mid_request_leaves_nothing_half_written(
    pg: tuple[Flask, FlaskClient], proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    app, client = pg

    _answers_unavailable(client.post("/test/write-then-lose-the-database"))
    assert len(_problems(caplog)) == 1

    proxy.restore()
    assert client.get("/").status_code == 200
    assert organisations_named(app, LOST_MID_REQUEST) == 0


@pytest.mark.postgres
def test_an_outage_met_by_many_requests_at_once_is_logged_once(
    pg_app: tuple[Flask, int], proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    app, user_id = pg_app
    clients = [signed_in_client(app, user_id) for _ in range(8)]
    for client in clients:
        assert client.get("/").status_code == 200
    proxy.cut()
    try:
        start = threading.Barrier(len(clients))

        def browse(client: FlaskClient) -> list[int]:
            start.wait(timeout=30)
            return [client.get(url).status_code for url in SIGNED_IN_PAGES]

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            statuses = [status for done in pool.map(browse, clients) for status in done]
    finally:
        proxy.restore()

    assert statuses == [503] * len(clients) * len(SIGNED_IN_PAGES)
    assert len(_problems(caplog)) == 1, [record.getMessage() for record in _problems(caplog)]


# SQLite: the file cannot be opened.


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, int, Path]]:
    folder = tmp_path_factory.mktemp("outage") / "data"
    folder.mkdir()
    app = production_app(f"sqlite:///{folder / 'portal.sqlite'}")
    user_id = create_schema_and_partner(app)
    yield app, user_id, folder
    dispose(app)


def test_signed_in_pages_answer_503_while_the_sqlite_file_is_lost_and_heal_at_once(
    sqlite_app: tuple[Flask, int, Path], caplog: pytest.LogCaptureFixture
) -> None:
    app, user_id, folder = sqlite_app
    caplog.set_level(logging.INFO, logger=app.logger.name)
    client = signed_in_client(app, user_id)
    assert client.get("/").status_code == 200

    away = folder.with_name("moved-away")
    folder.rename(away)
    try:
        dispose(app)
        for url in SIGNED_IN_PAGES:
            _answers_unavailable(client.get(url))
        assert client.get("/healthz").status_code == 503
    finally:
        away.rename(folder)

    logged = _problems(caplog)
    assert len(logged) == 1, [record.getMessage() for record in logged]
    assert "unable to open database file" in logged[0].getMessage()
    assert client.get("/").status_code == 200
    assert _portal_info(app, caplog) == ["database answers again"]
