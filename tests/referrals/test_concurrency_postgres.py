"""First come wins under real concurrency on PostgreSQL: the database decides, not Python.

Each thread has its own app context, so its own session and connection, exactly as two
requests in two gunicorn workers would. A barrier releases them together after every thread
has opened its transaction, so the submissions genuinely overlap at the database.

SQLite serialises writers (one lock per file), so these run only when TEST_DATABASE_URL is set,
as it is in CI; tests/referrals/test_concurrency_sqlite.py covers SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals.models import CompanyRegistration, Referral
from portal.referrals.service import submit_referral
from tests.conftest import TEST_DATABASE_URL, referral_input, require

# Every thread has its own connection: what the test commits must really be committed.
pytestmark = pytest.mark.usefixtures("real_commits")

SAME_COMPANY_SPELLINGS = (
    "https://www.tallpine-logistics.co.uk/",
    "tallpine-logistics.co.uk",
    "HTTP://TallPine-Logistics.co.uk/contact?ref=partner",
    "https://sales.tallpine-logistics.co.uk",
    "www.tallpine-logistics.co.uk.",
    "http://tallpine-logistics.co.uk:8080/en/",
)

NAME_SPELLINGS = ("Tallpine Logistics Ltd", "TALLPINE LOGISTICS", "Tallpine Logistics")


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: SQLite cannot run two writers at once."""
    require(bool(TEST_DATABASE_URL), "concurrent writers need PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Every thread holds a connection while it waits at the barrier: a pool of 50 lets all
    # of them be inside a transaction at the same moment instead of queueing for the pool.
    return {
        **app_config,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 50, "max_overflow": 5, "pool_timeout": 60},
    }


def _partners(make_org, make_user, count: int) -> list[int]:
    """One partner user in each of `count` new organisations; their ids."""
    return [
        make_user(Role.PARTNER_USER, make_org(name=f"Concurrent Partner {n}")).id
        for n in range(count)
    ]


def _run_together(
    app: Flask, jobs: list[Callable[[], Any]], timeout: float = 120
) -> tuple[list[Any], list[BaseException]]:
    """Run each job in its own thread, app context and transaction, released at one moment.

    A job runs inside the thread's session; the thread commits after it. Returns what the
    jobs returned and anything any thread raised.
    """
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(job: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                db.session.connection()  # check a connection out and begin, before the start
                barrier.wait()
                result = job()
                db.session.commit()
                with lock:
                    results.append(result)
            except BaseException as error:
                db.session.rollback()
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a submission thread never finished"
    return results, errors


def _submit_job(user_id: int, **fields: Any) -> Callable[[], tuple[int, str, bool]]:
    def job() -> tuple[int, str, bool]:
        user = db.session.get(User, user_id)
        assert user is not None
        submission = submit_referral(user, referral_input(**fields), current_content().program)
        return submission.referral.id, submission.referral.status, submission.created

    return job


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_fifty_organisations_racing_for_one_company_give_one_registration(
    app: Flask, make_org, make_user
) -> None:
    users = _partners(make_org, make_user, 50)
    jobs = [
        _submit_job(
            user_id,
            company_name=NAME_SPELLINGS[n % len(NAME_SPELLINGS)],
            company_website=SAME_COMPANY_SPELLINGS[n % len(SAME_COMPANY_SPELLINGS)],
            contact_email=f"buyer{n}@tallpine-logistics.co.uk",
            idempotency_key=f"race-{n}",
        )
        for n, user_id in enumerate(users)
    ]

    results, errors = _run_together(app, jobs)

    assert errors == []
    assert len(results) == 50
    db.session.expire_all()
    referrals = db.session.scalars(sa.select(Referral)).all()
    assert len(referrals) == 50
    assert {r.company_domain for r in referrals} == {"tallpine-logistics.co.uk"}
    winners = [r for r in referrals if r.status == "submitted"]
    assert len(winners) == 1
    winner = winners[0]
    losers = [r for r in referrals if r is not winner]
    assert all(r.status == "conflict" for r in losers)
    assert all(r.conflict_reason == "registered" for r in losers)
    assert {r.conflict_with_id for r in losers} == {winner.id}
    registrations = db.session.scalars(sa.select(CompanyRegistration)).all()
    assert [(r.company_key, r.referral_id) for r in registrations] == [
        ("domain:tallpine-logistics.co.uk", winner.id)
    ]


def test_five_hundred_different_companies_from_twenty_threads_all_land(
    app: Flask, make_org, make_user
) -> None:
    users = _partners(make_org, make_user, 20)
    per_thread = 25

    def batch(thread: int, user_id: int) -> Callable[[], list[tuple[int, str, bool]]]:
        def job() -> list[tuple[int, str, bool]]:
            # One transaction per submission, as one request each would be.
            landed = []
            for n in range(per_thread):
                number = thread * per_thread + n
                landed.append(
                    _submit_job(
                        user_id,
                        company_name=f"Brookfield Analytics {number}",
                        company_website=f"https://www.brookfield-analytics-{number}.com",
                        contact_email=f"cfo@brookfield-analytics-{number}.com",
                        idempotency_key=f"bulk-{number}",
                    )()
                )
                db.session.commit()
            return landed

        return job

    results, errors = _run_together(app, [batch(t, u) for t, u in enumerate(users)])

    assert errors == []
    submitted = [item for landed in results for item in landed]
    assert len(submitted) == 500
    assert all(status == "submitted" and created for _id, status, created in submitted)
    db.session.expire_all()
    assert _count(Referral) == 500
    assert _count(CompanyRegistration) == 500
    statuses = db.session.execute(
        sa.select(Referral.status, sa.func.count()).group_by(Referral.status)
    ).all()
    assert statuses == [("submitted", 500)]
    keys = db.session.scalars(sa.select(CompanyRegistration.company_key)).all()
    assert len(set(keys)) == 500
    held = set(db.session.scalars(sa.select(CompanyRegistration.referral_id)))
    assert held == {referral_id for referral_id, _status, _created in submitted}


@pytest.mark.parametrize("copies", [2, 5])
def test_the_same_form_sent_at_the_same_moment_creates_one_referral(
    app: Flask, make_org, make_user, copies: int
) -> None:
    (user_id,) = _partners(make_org, make_user, 1)
    fields = {
        "company_name": "Saltmarsh Foods",
        "company_website": "https://saltmarsh-foods.ie",
        "contact_email": "ops@saltmarsh-foods.ie",
        "idempotency_key": "double-click-4f1c",
    }

    results, errors = _run_together(app, [_submit_job(user_id, **fields)] * copies)

    assert errors == []
    assert len({referral_id for referral_id, _status, _created in results}) == 1
    assert sorted(created for _id, _status, created in results) == [False] * (copies - 1) + [True]
    assert all(status == "submitted" for _id, status, _created in results)
    db.session.expire_all()
    assert _count(Referral) == 1
    assert _count(CompanyRegistration) == 1
