"""The demo program: content that passes the checks, and `flask demo load` for `make run`."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.content import load_content
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from tests.conftest import DEMO_CONTENT


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CONTENT_DIR": str(DEMO_CONTENT)}


def test_demo_content_is_a_complete_program() -> None:
    index = load_content(DEMO_CONTENT)
    assert {t.id for t in index.program.partner_types} == {"referral", "reseller", "alliance"}
    assert len(index.program.tiers) == 3
    assert set(index.checklists) == {"referral", "reseller", "alliance"}
    for checklist in index.checklists.values():
        assert 5 <= len(checklist.steps) <= 8
    assert len(index.paths) >= 2
    assert max(len(p.modules) for p in index.paths.values()) >= 4
    for path in index.paths.values():
        types_used = set()
        for module in path.modules:
            words = len(re.sub(r"<[^>]+>", " ", module.html).split())
            assert 300 <= words <= 850, f"{module.source}: {words} words"
            assert module.quiz is not None, module.source
            assert 4 <= len(module.quiz.questions) <= 8, module.source
            types_used |= {q.type for q in module.quiz.questions}
        assert types_used == {"single", "multiple", "true_false"}, path.id
    assert {"program-guide", "rules-of-engagement", "governance"} <= set(index.pages)


def test_demo_load_prints_logins_and_is_idempotent(runner) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    lines = [line for line in first.output.splitlines() if "@" in line]
    assert len(lines) == 6
    roles = [line.split()[2] for line in lines]
    assert roles.count("partner_admin") == 2 and roles.count("partner_user") == 2
    assert {"staff", "admin"} <= set(roles)
    assert all(line.split()[1] == DEMO_PASSWORD for line in lines)

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "left as it is" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 6
    orgs = db.session.scalars(sa.select(Organization)).all()
    assert len(orgs) == 2 and len({o.partner_type for o in orgs}) == 2


def test_demo_logins_work(runner, client) -> None:
    runner.invoke(args=["demo", "load"])
    response = client.post(
        "/login", data={"email": "priya@brightline.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Brightline Consulting" in home


def test_demo_load_refuses_production(app, runner) -> None:
    app.config["PORTAL_ENV"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "production" in result.output
