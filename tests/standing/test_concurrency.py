"""`flask tiers evaluate` on several machines at once: every organisation judged once a day.

Each thread is one machine: its own app context, session and connection. On PostgreSQL the
batches lock their rows with SKIP LOCKED and the machines share the organisations out; on
SQLite (one machine) the transactions take turns. Either way each organisation enters its
grace period once, with one e-mail, and the day's run counts it once.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.standing.evaluation import EvaluationReport, evaluate_all
from portal.standing.models import TierEvaluationRun, TierHistoryEntry, TierStatus
from tests.conftest import new_certification, new_org, new_user
from tests.standing.conftest import agree

pytestmark = pytest.mark.usefixtures("real_commits")

MACHINES = 3
ORGANISATIONS = 12


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "pool_timeout": 60}}


def _below_silver(n: int) -> None:
    """A silver partner with no accepted referral: it falls into its grace period."""
    org = new_org(name=f"Parallel {n}", tier="silver", status="active", activated_at=utcnow())
    admin = new_user(Role.PARTNER_ADMIN, org, email=f"admin{n}@parallel.example")
    agree(org)
    new_certification(admin)


def test_machines_evaluating_at_once_judge_each_organisation_once(app: Flask) -> None:
    for n in range(ORGANISATIONS):
        _below_silver(n)
    now = utcnow()
    barrier = threading.Barrier(MACHINES, timeout=60)
    reports: list[EvaluationReport] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def machine() -> None:
        with app.app_context():
            try:
                barrier.wait()
                report = evaluate_all(current_content().program, now, batch_size=2)
                with lock:
                    reports.append(report)
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=machine) for _ in range(MACHINES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a machine never finished"
    assert not errors, errors

    db.session.expire_all()
    assert sum(r.organizations for r in reports) == ORGANISATIONS
    grace_entries = db.session.scalars(
        sa.select(TierHistoryEntry.organization_id).where(TierHistoryEntry.kind == "grace_started")
    ).all()
    assert sorted(grace_entries) == sorted(set(grace_entries)) and len(grace_entries) == (
        ORGANISATIONS
    )
    emails = db.session.scalars(
        sa.select(OutboxMessage.to_email).where(OutboxMessage.kind == "tier_grace_started")
    ).all()
    assert len(emails) == len(set(emails)) == ORGANISATIONS
    run = db.session.scalar(sa.select(TierEvaluationRun))
    assert (run.organizations, run.changes) == (ORGANISATIONS, ORGANISATIONS)
    assert run.finished_at is not None
    in_grace = db.session.scalar(
        sa.select(sa.func.count()).select_from(TierStatus).where(TierStatus.grace_tier.is_not(None))
    )
    assert in_grace == ORGANISATIONS
