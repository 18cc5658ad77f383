"""Lifecycle transitions racing on PostgreSQL: the row lock decides, not what each one loaded.

Each thread has its own app context, so its own session and connection, as two requests in
two gunicorn workers would. Every thread loads the organisation first, then a barrier
releases them together, so each decides on a status it loaded before the others acted:
without the lock (and the re-read under it) a suspension could be overwritten by an
activation, and an organisation activated twice.

SQLite serialises writers, so these run only when TEST_DATABASE_URL is set, as in CI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.api import TransitionRefused, activate_organization, suspend_organization
from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.conftest import TEST_DATABASE_URL, require

pytestmark = pytest.mark.usefixtures("real_commits")

Job = Callable[[Organization], Any]


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: SQLite cannot run two writers at once."""
    require(bool(TEST_DATABASE_URL), "concurrent writers need PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


def _race(app: Flask, org_id: int, jobs: list[Job]) -> tuple[list[Any], list[BaseException]]:
    """Run each job on the organisation in its own thread and transaction, all at one moment."""
    barrier = threading.Barrier(len(jobs), timeout=60)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(job: Job) -> None:
        with app.app_context():
            try:
                org = db.session.get(Organization, org_id)  # loaded before the others act
                assert org is not None
                barrier.wait()
                result = job(org)
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
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a transition thread never finished"
    return results, errors


def _actions(org_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.organization_id == org_id)
            .order_by(AuditEntry.id)
        )
    )


def test_simultaneous_activations_activate_once(app: Flask, make_org) -> None:
    org_id = make_org(status=OrgStatus.ONBOARDING).id
    db.session.close()

    results, errors = _race(app, org_id, [lambda org: activate_organization(org, None)] * 6)

    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert _actions(org_id) == ["organization.activated"]


def test_a_suspension_racing_an_activation_always_ends_suspended(
    app: Flask, make_org, make_user, admin_user: User
) -> None:
    org = make_org(status=OrgStatus.ONBOARDING)
    member_token = make_user(Role.PARTNER_USER, org).session_token
    org_id, admin_id = org.id, admin_user.id
    db.session.close()

    def suspend(org: Organization) -> str:
        admin = db.session.get(User, admin_id)
        assert admin is not None
        suspend_organization(org, admin)
        return "suspended"

    def activate(org: Organization) -> str:
        try:
            activate_organization(org, None)
        except TransitionRefused:
            return "refused"  # the suspension came first
        return "activated"

    results, errors = _race(app, org_id, [suspend, activate])

    assert errors == []
    org = db.session.get(Organization, org_id)
    assert org is not None and org.status == OrgStatus.SUSPENDED
    member = db.session.scalar(sa.select(User).where(User.organization_id == org_id))
    assert member is not None and member.session_token != member_token
    actions = _actions(org_id)
    if "refused" in results:
        assert actions == ["organization.suspended"] and org.activated_at is None
    else:
        assert actions == ["organization.activated", "organization.suspended"]
