"""First come wins on SQLite too: simultaneous submissions of one company, one registration.

SQLite has one write lock per database file. The first submission's INSERT takes it; the
others wait in pysqlite's busy handler (its default timeout is 5 seconds, far longer than a
submission's transaction) and run after the first has committed, when the registration claim
finds the company taken. No thread raises "database is locked": a write transaction in the
portal starts with a write (the referral INSERT), so a waiting thread holds no read lock that
could deadlock the winner's commit. (With the busy timeout set to 0 through the engine's
`connect_args`, the waiting threads fail with "database is locked" instead: the threads here
really do contend for the lock; the default timeout is all the portal needs.)
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals.models import CompanyRegistration, Referral
from portal.referrals.service import submit_referral
from tests.conftest import referral_input


@pytest.fixture
def db_backend() -> str:
    """A SQLite file database (the conftest default); PostgreSQL has its own test module."""
    return "sqlite"


def _submit_together(app: Flask, user_ids: list[int]) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(len(user_ids), timeout=30)
    statuses: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(number: int, user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                assert user is not None
                data = referral_input(
                    company_name="Quarry Lane Bakeries",
                    company_website=(
                        "quarrylane-bakeries.com",
                        "https://www.QuarryLane-Bakeries.com/",
                    )[number % 2],
                    contact_email=f"owner{number}@quarrylane-bakeries.com",
                    idempotency_key=f"sqlite-race-{number}",
                )
                program = current_content().program
                barrier.wait()
                submission = submit_referral(user, data, program)
                db.session.commit()
                with lock:
                    statuses.append(submission.referral.status)
            except BaseException as error:
                db.session.rollback()
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=worker, args=(n, user_id)) for n, user_id in enumerate(user_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a submission thread never finished"
    return statuses, errors


@pytest.mark.parametrize("threads", [2, 6])
def test_simultaneous_submissions_of_one_company_on_a_file_database(
    app: Flask, make_org, make_user, threads: int
) -> None:
    assert db.engine.dialect.name == "sqlite" and db.engine.url.database not in (None, ":memory:")
    users = [
        make_user(Role.PARTNER_USER, make_org(name=f"SQLite Partner {n}")).id
        for n in range(threads)
    ]
    db.session.close()  # the main thread holds no lock while the workers write

    statuses, errors = _submit_together(app, users)

    assert errors == []
    assert sorted(statuses) == ["conflict"] * (threads - 1) + ["submitted"]
    referrals: list[Any] = db.session.scalars(sa.select(Referral).order_by(Referral.id)).all()
    winner = next(r for r in referrals if r.status == "submitted")
    assert {r.conflict_with_id for r in referrals if r is not winner} == {winner.id}
    registrations = db.session.execute(
        sa.select(CompanyRegistration.company_key, CompanyRegistration.referral_id)
    ).all()
    assert registrations == [("domain:quarrylane-bakeries.com", winner.id)]
