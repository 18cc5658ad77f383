"""Fixtures for the learning tests: sign-in without the login form, answers, query counting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.content.model import ContentIndex, LearningPath, Quiz
from portal.content_runtime import current_content
from portal.extensions import db, login_manager


@pytest.fixture
def sign_in(app: Flask, client: FlaskClient):
    """Sign a user in by setting the Flask-Login session directly."""

    def sign(user: User) -> FlaskClient:
        # Session protection is "strong": the session must carry the client's identifier.
        with app.test_request_context(environ_base=client.environ_base):
            identifier = login_manager._session_identifier_generator()
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
            session["_id"] = identifier
        return client

    return sign


@pytest.fixture
def content(app: Flask) -> ContentIndex:
    return current_content()


@pytest.fixture
def basics(content: ContentIndex) -> LearningPath:
    return content.paths["basics"]


def answers_for(quiz: Quiz, plan: list[dict[str, Any]], right: bool = True) -> dict[str, list[str]]:
    """Form data answering every planned question, all right or all wrong."""
    data: dict[str, list[str]] = {}
    for item in plan:
        question = quiz.question(item["id"])
        assert question is not None
        if right:
            keys = sorted(question.correct_keys)
        else:
            keys = [next(c.key for c in question.choices if not c.correct)]
        data[f"q-{question.id}"] = keys
    return data


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter:` counts the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before_cursor_execute(conn, cursor, statement, *args: Any) -> None:
            counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)

    return counting
