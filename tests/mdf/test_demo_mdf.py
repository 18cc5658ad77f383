"""`flask demo load` shows MDF in use: Harbor Systems' requests in four states."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.demo import load_demo
from portal.extensions import db
from portal.mdf.models import MdfAllocation, MdfClaimReferral, MdfRequest
from tests.conftest import DEMO_CONTENT


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CONTENT_DIR": str(DEMO_CONTENT)}


def test_the_demo_uses_its_funds(app) -> None:
    assert load_demo(current_content())
    statuses = sorted(db.session.scalars(sa.select(MdfRequest.status)))
    assert statuses == ["approved", "paid", "rejected", "requested"]
    held = db.session.scalar(sa.select(sa.func.sum(MdfRequest.held_minor)))
    committed = db.session.scalar(sa.select(sa.func.sum(MdfAllocation.committed_minor)))
    assert held == committed  # every allocation is exactly what its requests hold
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MdfClaimReferral)) == 2
