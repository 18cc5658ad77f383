"""The demo questions show the feature in use: answered, waiting, on track and breached."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.demo import load_demo
from portal.extensions import db
from portal.questions.api import breached
from portal.questions.models import PartnerQuestion, QuestionMessage
from tests.conftest import DEMO_CONTENT

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CONTENT_DIR": str(DEMO_CONTENT)}


def test_demo_questions_cover_every_state(app) -> None:
    assert load_demo(current_content())
    questions = list(db.session.scalars(sa.select(PartnerQuestion)))
    statuses = sorted(q.status for q in questions)
    assert statuses == ["answered", "answered", "new", "new", "waiting_on_us"]
    now = utcnow()
    assert sum(breached(q, now) for q in questions) == 1
    assert {q.about_kind for q in questions} >= {"page", "module", "kit"}
    faq = sa.select(sa.func.count()).where(QuestionMessage.worth_faq.is_(True))
    assert db.session.scalar(faq) == 1
