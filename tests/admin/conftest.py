"""Admin fixtures: signing in through the session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier

from portal.accounts.models import User


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
