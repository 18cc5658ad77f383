"""The suite's own isolation: what one test commits, the next never sees.

The tests here run in file order (pytest keeps a module's order, and xdist's `loadfile` keeps a
module on one worker): each pair commits something, then checks that it is gone.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Organization
from portal.extensions import db, limiter
from tests.conftest import TEST_DATABASE_URL, new_org
from tests.isolation import JoinedSession

seen_apps: dict[str, Flask] = {}


def _org_names() -> list[str]:
    return list(db.session.scalars(sa.select(Organization.name).order_by(Organization.name)))


def test_a_test_may_commit(app: Flask, make_org, db_backend: str) -> None:
    make_org(name="Committed Co")
    db.session.expire_all()
    assert _org_names() == ["Committed Co"]
    assert isinstance(db.session(), JoinedSession)
    assert db.session.get_bind() is not db.engine, "the session uses the test's connection"
    seen_apps[db_backend] = app


def test_the_next_test_finds_it_rolled_back(app: Flask, db_backend: str) -> None:
    assert _org_names() == []
    assert app is seen_apps[db_backend], "the same configuration reuses the app"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="a second connection needs PostgreSQL")
@pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)
def test_nothing_is_committed_for_other_connections(app: Flask, make_org) -> None:
    make_org(name="Invisible Co")
    with db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_real_commits_reach_other_connections(real_commits, app: Flask, make_org) -> None:
    make_org(name="Really Committed Co")
    with db.engine.connect() as other:
        assert other.scalar(sa.select(Organization.name)) == "Really Committed Co"


def test_real_commits_are_emptied_afterwards(app: Flask) -> None:
    assert _org_names() == []


@pytest.fixture
def world(module_world) -> int:
    return module_world("isolation_world", lambda: new_org(name="World Co").id)


def test_a_module_world_is_there_and_a_test_may_change_it(world: int, app: Flask) -> None:
    assert _org_names() == ["World Co"]
    org = db.session.get(Organization, world)
    assert org is not None
    org.name = "Renamed Co"
    new_org(name="Test's Own Co")
    db.session.commit()
    assert _org_names() == ["Renamed Co", "Test's Own Co"]


def test_each_test_sees_the_module_world_as_built(world: int, app: Flask) -> None:
    assert _org_names() == ["World Co"]


def test_a_test_without_the_world_starts_empty(app: Flask) -> None:
    assert _org_names() == []


def test_the_world_is_built_again_when_asked_for(world: int, app: Flask) -> None:
    assert _org_names() == ["World Co"]
    assert db.session.get(Organization, world) is not None


def test_a_world_cannot_be_built_after_the_test_wrote(app: Flask, module_world) -> None:
    new_org(name="Early Co")
    with pytest.raises(RuntimeError, match="before anything else in the test writes"):
        module_world("late_world", lambda: new_org(name="Late Co").id)


def test_changes_to_the_shared_app_are_undone(app: Flask) -> None:
    app.config["MAIL_FROM"] = "Changed <changed@example.com>"
    app.extensions["left_behind"] = object()
    limiter.enabled = True


def test_the_next_test_gets_the_app_as_built(app: Flask) -> None:
    assert app.config["MAIL_FROM"] != "Changed <changed@example.com>"
    assert "left_behind" not in app.extensions
    assert limiter.enabled is False, "RATELIMIT_ENABLED is off in the test settings"


def test_a_test_may_add_a_route_to_the_shared_app(app: Flask, client) -> None:
    app.add_url_rule("/added-by-a-test", "added_by_a_test", lambda: "added")
    assert client.get("/added-by-a-test").get_data(as_text=True) == "added"


def test_the_next_test_gets_an_app_without_it(app: Flask, client) -> None:
    assert "added_by_a_test" not in app.view_functions
    assert client.get("/added-by-a-test").status_code == 404
