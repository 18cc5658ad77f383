"""Concurrent writers on the embedded SQLite default: no "database is locked", no lost rows.

SQLite has one write lock per database file. The portal runs it in WAL mode with a busy
timeout, and a transaction that may write takes the lock when it begins (portal/database.py):
a writer waits its turn instead of failing, and pages keep reading meanwhile. These tests
commit for real, from many threads at once, on a SQLite file.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals.models import CompanyRegistration, Referral
from portal.referrals.service import submit_referral
from tests.conftest import FIXTURE_CONTENT, new_org, new_user, referral_input, sign_in

THREADS = 16
SUBMISSIONS_PER_THREAD = 25
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMITTED = re.compile(r"/referrals/(R-\d+)/submitted$")


@pytest.fixture
def db_backend() -> str:
    """A SQLite file; PostgreSQL has its own test module."""
    return "sqlite"


def _run_threads(jobs: list[Callable[[], Any]], timeout: float = 120) -> tuple[list[Any], list]:
    """Run each job in its own thread, released together; what they returned and raised."""
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = job()
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread never finished"
    return results, errors


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite file of its own with CSRF on, as `make run` serves it."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "concurrency-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite'}",
            # One connection per thread, as a threaded server would hold.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": THREADS},
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "log",
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def _signed_in_clients(app: Flask, count: int) -> list[FlaskClient]:
    """`count` partner users in four organisations, each signed in on a client of its own."""
    clients = []
    with app.app_context():
        orgs = [new_org(name=f"Concurrent Partner {n}") for n in "ABCD"]
        users = [new_user(Role.PARTNER_USER, orgs[n % len(orgs)]) for n in range(count)]
        for user in users:
            client = app.test_client()
            sign_in(client, user)
            clients.append(client)
    return clients


def _form(number: int, token: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "company_name": f"Harbourside Analytics {number}",
        "company_website": f"https://www.harbourside-{number}.co.uk",
        "contact_name": "Dana Whitfield",
        "contact_email": f"dana@harbourside-{number}.co.uk",
        "contact_phone": "",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value": "48000",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "Forecasts live in spreadsheets; they want one pipeline view.",
        "involvement": "sourced",
        "consent": "y",
        "idempotency_key": f"{number:032x}",
    }


def test_sixteen_threads_submit_four_hundred_referrals_through_the_app(file_app: Flask) -> None:
    clients = _signed_in_clients(file_app, THREADS)

    def submit_all(thread: int, client: FlaskClient) -> Callable[[], list[str]]:
        def job() -> list[str]:
            form_page = client.get("/referrals/new")
            assert form_page.status_code == 200
            found = CSRF_FIELD.search(form_page.get_data(as_text=True))
            assert found, "the form carries a CSRF token"
            references = []
            for n in range(SUBMISSIONS_PER_THREAD):
                response = client.post(
                    "/referrals/new", data=_form(thread * SUBMISSIONS_PER_THREAD + n, found[1])
                )
                landed = SUBMITTED.search(response.headers.get("Location", ""))
                assert response.status_code == 302 and landed, (
                    response.status_code,
                    response.get_data(as_text=True)[:500],
                )
                references.append(landed[1])
                if n % 5 == 4:  # pages are read while others write
                    assert client.get("/referrals").status_code == 200
            return references

        return job

    results, errors = _run_threads([submit_all(t, c) for t, c in enumerate(clients)])

    assert errors == []
    references = [reference for landed in results for reference in landed]
    assert len(references) == THREADS * SUBMISSIONS_PER_THREAD == 400
    assert len(set(references)) == 400, "no two submissions answered with the same referral"
    with file_app.app_context():
        referrals = db.session.scalars(sa.select(Referral)).all()
        assert len(referrals) == 400
        assert {r.reference for r in referrals} == set(references)
        assert len({(r.organization_id, r.idempotency_key) for r in referrals}) == 400
        assert {r.status for r in referrals} == {"submitted"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CompanyRegistration)) == 400


def test_pages_read_while_another_connection_holds_the_write_lock(file_app: Flask) -> None:
    (client,) = _signed_in_clients(file_app, 1)
    found = CSRF_FIELD.search(client.get("/referrals/new").get_data(as_text=True))
    assert found
    with file_app.app_context():
        writer = db.engine.connect()
    outcome: list[str] = []
    waiting = threading.Thread(
        target=lambda: outcome.append(
            client.post("/referrals/new", data=_form(1, found[1])).headers.get("Location", "")
        )
    )
    try:
        writer.begin()  # BEGIN IMMEDIATE (no request: the rule says write lock up front)
        writer.exec_driver_sql("UPDATE users SET name = name")  # a writer mid-transaction

        # Pages read from their snapshot; they do not queue behind the writer.
        assert client.get("/referrals").status_code == 200
        assert client.get("/referrals/new").status_code == 200

        # A submission waits for the lock (the busy timeout) instead of failing.
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive(), "the submission waits for the writer"
    finally:
        writer.rollback()
        writer.close()
    waiting.join(timeout=30)
    assert len(outcome) == 1 and SUBMITTED.search(outcome[0]), outcome


def test_simultaneous_submissions_of_one_company_on_a_file_database(
    real_commits, app: Flask, make_org, make_user
) -> None:
    """First come wins: the others find the company registered after the winner commits."""
    threads = 6
    users = [
        make_user(Role.PARTNER_USER, make_org(name=f"SQLite Partner {n}")).id
        for n in range(threads)
    ]
    db.session.close()  # the main thread holds no lock while the workers write

    def submit(number: int, user_id: int) -> Callable[[], str]:
        def job() -> str:
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
                    submission = submit_referral(user, data, current_content().program)
                    db.session.commit()
                    return submission.referral.status
                finally:
                    db.session.remove()

        return job

    statuses, errors = _run_threads([submit(n, u) for n, u in enumerate(users)])

    assert errors == []
    assert sorted(statuses) == ["conflict"] * (threads - 1) + ["submitted"]
    referrals: list[Any] = db.session.scalars(sa.select(Referral).order_by(Referral.id)).all()
    winner = next(r for r in referrals if r.status == "submitted")
    assert {r.conflict_with_id for r in referrals if r is not winner} == {winner.id}
    registrations = db.session.execute(
        sa.select(CompanyRegistration.company_key, CompanyRegistration.referral_id)
    ).all()
    assert registrations == [("domain:quarrylane-bakeries.com", winner.id)]
