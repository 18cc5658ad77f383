"""The cap under real concurrency on PostgreSQL: 50 routings, one slot left, one assignment.

Each thread has its own app context, session and connection (as 50 gunicorn workers would),
and a barrier releases them together once every one has begun its transaction.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads import routing, service
from portal.leads.models import Lead, LeadCap, LeadStatus
from tests.conftest import TEST_DATABASE_URL, require
from tests.leads.conftest import eligible_partner
from tests.leads.factories import new_lead

pytestmark = pytest.mark.usefixtures("real_commits")
ROUTINGS = 50


@pytest.fixture
def db_backend() -> str:
    require(bool(TEST_DATABASE_URL), "concurrent writers need PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 55, "max_overflow": 5, "pool_timeout": 60},
    }


def test_fifty_routings_against_one_last_slot_give_one_assignment(app: Flask) -> None:
    partner = eligible_partner("Last Slot Partners")
    period = routing.period_of(utcnow(), "month")
    db.session.add(LeadCap(organization_id=partner.id, period=period, cap=5, used=4))
    lead_ids = [new_lead(company=f"Clinic {n}").id for n in range(ROUTINGS)]
    db.session.commit()
    barrier = threading.Barrier(ROUTINGS, timeout=120)
    errors: list[BaseException] = []

    def worker(lead_id: int) -> None:
        with app.app_context():
            try:
                db.session.connection()
                barrier.wait()
                lead = db.session.get(Lead, lead_id)
                assert lead is not None
                service.route_lead(lead, current_content().program, utcnow())
                db.session.commit()
            except BaseException as error:
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in lead_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    statuses = db.session.scalars(sa.select(Lead.status).where(Lead.id.in_(lead_ids))).all()
    assert statuses.count(LeadStatus.OFFERED) == 1
    assert statuses.count(LeadStatus.UNROUTED) == ROUTINGS - 1
    cap = db.session.get(LeadCap, (partner.id, period))
    assert cap is not None and cap.used == 5
