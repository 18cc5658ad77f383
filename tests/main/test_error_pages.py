"""A failed statement leaves the worker healthy: a calm page, nothing half-written, then 200.

The app is the module's own, in the production configuration, with test-only views that write
one row and then fail on a taken e-mail address (an IntegrityError from the database).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.accounts.access import login_required, public
from portal.accounts.models import Organization, Role, User
from portal.db_types import utcnow
from portal.extensions import csrf, db
from tests.conftest import TEST_DATABASE_URL
from tests.main.own_app import (
    PARTNER_EMAIL,
    PARTNER_NAME,
    create_schema_and_partner,
    dispose,
    organisations_named,
    own_postgresql_database,
    production_app,
    signed_in_client,
)

HALF_WRITTEN = "Half Written Ltd"


def _write_then_fail() -> None:
    """One row written, then a statement the database refuses: the e-mail is taken."""
    org = Organization(name=HALF_WRITTEN, partner_type="referral", tier="registered")
    db.session.add(org)
    db.session.flush()
    db.session.add(User(email=PARTNER_EMAIL, role=Role.PARTNER_USER, organization=org))
    db.session.flush()


def _add_failing_views(app: Flask) -> None:
    @app.post("/test/fails")
    @login_required
    def fails():
        _write_then_fail()
        return "unreachable"

    @app.post("/test/fails-after-a-commit")
    @login_required
    def fails_after_a_commit():
        # A commit expires what was loaded: the page would have to load the user again.
        current_user.last_login_at = utcnow()
        db.session.commit()
        _write_then_fail()
        return "unreachable"

    @app.post("/test/fails-before-the-user-is-loaded")
    @public
    def fails_before_the_user_is_loaded():
        _write_then_fail()
        return "unreachable"

    @app.post("/test/refuses-after-a-failed-statement")
    @public
    def refuses_after_a_failed_statement():
        try:
            _write_then_fail()
        except IntegrityError:
            abort(400, description="That e-mail address already has an account.")
        return "unreachable"

    for view in (
        fails,
        fails_after_a_commit,
        fails_before_the_user_is_loaded,
        refuses_after_a_failed_statement,
    ):
        csrf.exempt(view)


def _backends() -> list[str]:
    return ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


@pytest.fixture(scope="module", params=_backends())
def own_app(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[tuple[Flask, int]]:
    if request.param == "postgresql":
        with own_postgresql_database("errors") as url:
            app = production_app(url)
            yield from _ready(app)
    else:
        folder: Path = tmp_path_factory.mktemp("errors")
        yield from _ready(production_app(f"sqlite:///{folder / 'portal.sqlite'}"))


def _ready(app: Flask) -> Iterator[tuple[Flask, int]]:
    _add_failing_views(app)
    user_id = create_schema_and_partner(app)
    yield app, user_id
    dispose(app)


@pytest.fixture
def client(own_app: tuple[Flask, int]) -> FlaskClient:
    app, user_id = own_app
    return signed_in_client(app, user_id)


@pytest.fixture
def app(own_app: tuple[Flask, int]) -> Flask:
    return own_app[0]


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every log line and traceback, as one text."""
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.extend(traceback.format_exception(*record.exc_info))
    return "\n".join(lines)


@pytest.mark.parametrize(
    "url",
    ["/test/fails", "/test/fails-after-a-commit", "/test/fails-before-the-user-is-loaded"],
)
def test_a_failed_statement_answers_a_calm_500_and_the_next_request_succeeds(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    response = client.post(url)

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Internal Server Error" in page
    assert PARTNER_NAME in page, "the page keeps the signed-in user's navigation"
    assert "IntegrityError" not in page and "Traceback" not in page
    # Flask logs the error once, with its traceback; nothing fails after it.
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info and errors[0].exc_info[0] is IntegrityError
    assert "PendingRollbackError" not in _logged(caplog)

    assert organisations_named(app, HALF_WRITTEN) == 0, "the row written first was kept"
    home = client.get("/")
    assert home.status_code == 200
    assert PARTNER_NAME in home.get_data(as_text=True)


def test_a_4xx_after_a_failed_statement_renders_its_message(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post("/test/refuses-after-a-failed-statement")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That e-mail address already has an account." in page
    assert PARTNER_NAME in page
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert organisations_named(app, HALF_WRITTEN) == 0
    assert client.get("/").status_code == 200


def test_clients_asking_for_json_get_a_problem_document(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.get_json(force=True)
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Not Found"
    assert problem["status"] == 404
    assert problem["detail"]


def test_browsers_get_the_page(client: FlaskClient) -> None:
    response = client.get(
        "/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in response.get_data(as_text=True)
