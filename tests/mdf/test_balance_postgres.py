"""Balances under real concurrency on PostgreSQL: 50 requests for the last funds.

Each thread has its own app context, session and connection, as 50 requests in gunicorn
workers would; a barrier releases them together once every thread has begun its transaction.
The database decides (the conditional UPDATE in portal/mdf/balance.py): exactly the funds
available are held, never more, and the refused requests leave nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.models import MdfAllocation, MdfRequest
from portal.mdf.service import MdfError, RequestInput, request_funds
from tests.conftest import TEST_DATABASE_URL, require

pytestmark = pytest.mark.usefixtures("real_commits")

THREADS = 50


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: SQLite cannot run two writers at once."""
    require(bool(TEST_DATABASE_URL), "concurrent writers need PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Every thread holds a connection while it waits at the barrier.
    return {
        **app_config,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS, "max_overflow": 5, "pool_timeout": 60},
    }


def _race(app: Flask, job: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `job` in THREADS threads, each in its own app context and transaction, at once."""
    barrier = threading.Barrier(THREADS, timeout=120)

    def worker() -> tuple[Any, BaseException | None]:
        with app.app_context():
            try:
                db.session.connection()  # begin before the start line
                barrier.wait()
                result = job()
                db.session.commit()
                return result, None
            except BaseException as error:
                db.session.rollback()
                return None, error
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(lambda _n: worker(), range(THREADS)))
    return [r for r, e in outcomes if e is None], [e for _r, e in outcomes if e is not None]


def test_fifty_requests_for_the_last_funds_hold_exactly_what_is_left(
    app, make_org, make_user
) -> None:
    org = make_org(name="Racing Partner", tier="silver")  # USD 5,000 a quarter in the fixture
    admin_id = make_user(Role.PARTNER_ADMIN, org).id
    program = current_content().program
    rules = program.mdf
    assert rules is not None
    # USD 4,300 already held: USD 700 left, and each racer asks for USD 100.
    setup = make_user(Role.PARTNER_ADMIN, org)
    request_funds(setup, _input(430_000), rules, program.currency)
    db.session.commit()

    def job() -> int:
        user = db.session.get(User, admin_id)
        assert user is not None
        return request_funds(user, _input(10_000), rules, program.currency).id

    granted, errors = _race(app, job)

    assert len(granted) == 7
    assert len(errors) == THREADS - 7
    assert all(isinstance(e, MdfError) for e in errors), errors
    allocation = db.session.scalar(sa.select(MdfAllocation))
    assert allocation is not None
    assert allocation.committed_minor == allocation.allocated_minor == 500_000
    held = db.session.scalar(sa.select(sa.func.sum(MdfRequest.held_minor)))
    assert held == 500_000  # the requests that exist hold exactly the allocation's commitment
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MdfRequest)) == 8


def test_the_first_requests_of_a_period_create_one_allocation(app, make_org, make_user) -> None:
    """Fifty first requests at once: one allocation row, and the funds are not exceeded."""
    org = make_org(name="Fresh Partner", tier="silver")
    admin_id = make_user(Role.PARTNER_ADMIN, org).id
    program = current_content().program
    rules = program.mdf
    assert rules is not None

    def job() -> int:
        user = db.session.get(User, admin_id)
        assert user is not None
        return request_funds(user, _input(30_000), rules, program.currency).id

    granted, errors = _race(app, job)

    assert len(granted) == 16  # 16 x 300 = 4,800 of 5,000
    assert all(isinstance(e, MdfError) for e in errors), errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MdfAllocation)) == 1
    allocation = db.session.scalar(sa.select(MdfAllocation))
    assert allocation is not None and allocation.committed_minor == 480_000


def test_the_database_refuses_any_overspend_even_outside_the_rules(app, make_org, make_user):
    """The CHECK constraint: a statement that would overspend fails, whoever writes it."""
    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    program = current_content().program
    assert program.mdf is not None
    request_funds(admin, _input(100), program.mdf, program.currency)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(MdfAllocation).values(committed_minor=10**9))
        db.session.flush()
    db.session.rollback()


def _input(amount_minor: int) -> RequestInput:
    return RequestInput(
        activity_type="event",
        activity_date=utcnow().date() + timedelta(days=14),
        title="Roadshow",
        description="A roadshow stop with the vendor's team.",
        amount_minor=amount_minor,
    )
