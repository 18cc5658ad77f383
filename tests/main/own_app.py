"""An app of a test module's own, in the production configuration, on a database of its own.

For tests that register test-only routes or cut the app off its database: they must not
share the suite's `app`, and what they do to their database must not reach anyone else's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.extensions import db
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL, sign_in

PARTNER_EMAIL = "pat@errors.example"
PARTNER_NAME = "Pat Errors"


def production_app(database_url: str | sa.URL) -> Flask:
    """The app as `PORTAL_ENV=production` builds it (no TESTING, exceptions not propagated)."""
    if isinstance(database_url, sa.URL):
        database_url = database_url.render_as_string(hide_password=False)
    environment = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "own-app-test-secret-key-" + "x" * 40,
        "MAIL_BACKEND": "smtp",  # production refuses "log"; these tests send no mail
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "RATELIMIT_ENABLED": "false",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        # The test client speaks plain HTTP; production marks cookies Secure.
        return create_app({"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})


@contextmanager
def own_postgresql_database(suffix: str) -> Iterator[sa.URL]:
    """A fresh database beside TEST_DATABASE_URL (one per xdist worker), dropped afterwards."""
    url = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"{url.database}_{suffix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_schema_and_partner(app: Flask) -> int:
    """Create every table and one active partner user; the user's id."""
    with app.app_context():
        db.create_all()
        org = Organization(
            name="Errors Partner Co",
            partner_type="referral",
            tier="registered",
            status=OrgStatus.ACTIVE,
        )
        user = User(
            email=PARTNER_EMAIL, name=PARTNER_NAME, role=Role.PARTNER_USER, organization=org
        )
        user.set_password("correct horse battery staple")
        db.session.add(user)
        db.session.commit()
        return user.id


def signed_in_client(app: Flask, user_id: int) -> FlaskClient:
    """A test client signed in as the user."""
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get_one(User, user_id))
    return client


def organisations_named(app: Flask, name: str) -> int:
    """How many organisations have this name (read on a connection of its own)."""
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Organization).where(Organization.name == name)
        )


def dispose(app: Flask) -> None:
    """Close the app's pooled connections (at the end of a module)."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
