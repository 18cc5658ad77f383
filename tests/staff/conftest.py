"""Staff fixtures: signing in through the session, and counting SQL statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier

from portal.accounts.models import User
from portal.extensions import db


def sign_in_client(client: FlaskClient, user: User) -> None:
    """Write a signed-in Flask-Login session for the user into the client's cookie.

    Session protection is "strong", so the session also carries the identifier Flask-Login
    derives from the client's address and user agent.
    """
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
        session["_id"] = identifier


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    """Sign a user in by writing the Flask-Login session directly (no login form)."""

    def do(user: User) -> None:
        sign_in_client(client, user)

    return do


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """A context manager collecting every SQL statement the engine executes inside it."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before_cursor_execute(
            conn: Any, cursor: Any, statement: str, *args: Any, **kwargs: Any
        ) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)

    return counting
