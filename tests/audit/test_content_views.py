"""Content views (module, playbook, program page) are engagement: one per user, document, day."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import User
from portal.audit.models import ActivityEvent
from portal.audit.service import CONTENT_VIEW, record_content_view
from portal.db_types import utcnow
from portal.extensions import db


def _views() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(ActivityEvent.user_id, ActivityEvent.subject)
        .where(ActivityEvent.kind == CONTENT_VIEW)
        .order_by(ActivityEvent.id)
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("url", "subject"),
    [
        ("/learn/basics/welcome", "module:basics/welcome"),
        ("/playbooks/talk-tracks/discovery-call", "playbook:talk-tracks/discovery-call"),
        ("/program/rules", "page:rules"),
    ],
)
def test_opening_a_document_twice_in_a_day_is_one_view(login, partner_user, url, subject):
    client = login(partner_user)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert _views() == [(partner_user.id, subject)]


def test_each_person_and_document_counts_once(login, partner_user, partner_admin):
    login(partner_user).get("/program/rules")
    login(partner_user).get("/learn/basics/welcome")
    login(partner_admin).get("/program/rules")
    assert sorted(_views()) == sorted(
        [
            (partner_user.id, "page:rules"),
            (partner_user.id, "module:basics/welcome"),
            (partner_admin.id, "page:rules"),
        ]
    )


def test_a_view_on_another_day_counts_again(app, partner_user):
    assert record_content_view(partner_user, "page:rules") is True
    assert record_content_view(partner_user, "page:rules") is False
    db.session.execute(
        sa.update(ActivityEvent).values(
            day=(utcnow() - timedelta(days=1)).date(), created_at=utcnow() - timedelta(days=1)
        )
    )
    assert record_content_view(partner_user, "page:rules") is True
    assert len(_views()) == 2


def test_missing_documents_and_head_requests_record_nothing(login, partner_user):
    client = login(partner_user)
    assert client.get("/program/no-such-page").status_code == 404
    assert client.get("/learn/basics/no-such-module").status_code == 404
    assert client.head("/program/rules").status_code == 200
    assert _views() == []


def test_racing_views_are_recorded_once(app: Flask, real_commits, make_user, make_org):
    """Simultaneous first views, each on its own connection: the database keeps one."""
    user_id = make_user(org=make_org()).id
    db.session.commit()  # the main thread holds no transaction (nor SQLite's lock) meanwhile
    threads = 8
    barrier = threading.Barrier(threads, timeout=30)
    recorded: list[bool] = []
    errors: list[BaseException] = []

    def view() -> None:
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                db.session.commit()  # SQLite: no thread holds the write lock at the barrier
                barrier.wait()
                recorded.append(record_content_view(user, "page:rules"))
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=view) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    assert sorted(recorded) == [False] * (threads - 1) + [True]
    assert _views() == [(user_id, "page:rules")]


@pytest.mark.parametrize(
    "url", ["/learn/basics/welcome", "/playbooks/talk-tracks/discovery-call", "/program/rules"]
)
def test_a_second_view_the_same_day_writes_nothing(login, partner_user, count_queries, url):
    client = login(partner_user)
    with count_queries() as first:
        assert client.get(url).status_code == 200
    with count_queries() as second:
        assert client.get(url).status_code == 200
    inserts = [s for s in first.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1
    assert not [s for s in second.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(_views()) == 1


def test_the_session_forgets_yesterdays_views(app, login, partner_user):
    """A new day records the view again, though the session still holds yesterday's note."""
    client = login(partner_user)
    client.get("/program/rules")
    yesterday = (utcnow() - timedelta(days=1)).date()
    db.session.execute(sa.update(ActivityEvent).values(day=yesterday))
    with client.session_transaction() as session:
        session["content_views"] = {**session["content_views"], "day": yesterday.isoformat()}
    client.get("/program/rules")
    assert _views() == [(partner_user.id, "page:rules")] * 2


def test_another_person_in_the_same_browser_is_recorded(login, partner_user, partner_admin):
    client = login(partner_user)
    client.get("/program/rules")
    with client.session_transaction() as session:
        remembered = dict(session["content_views"])
    client = login(partner_admin)
    with client.session_transaction() as session:
        session["content_views"] = remembered  # a note the login did not clear
    client.get("/program/rules")
    assert sorted(_views()) == sorted([(partner_user.id, "page:rules"),
                                       (partner_admin.id, "page:rules")])  # fmt: skip


def test_the_sessions_memory_stays_small():
    """A day of reading many documents keeps only the latest REMEMBERED_MAX notes."""
    from datetime import date

    from portal.audit.view_memory import (
        REMEMBERED_MAX,
        SESSION_KEY,
        already_recorded,
        remember_recorded,
    )

    session: dict = {}
    day = date(2026, 12, 7)
    for n in range(REMEMBERED_MAX + 25):
        remember_recorded(session, 7, f"page:p{n}", day)
    assert len(session[SESSION_KEY]["seen"]) == REMEMBERED_MAX
    assert already_recorded(session, 7, f"page:p{REMEMBERED_MAX + 24}", day)
    assert not already_recorded(session, 7, "page:p0", day)  # forgotten: the INSERT decides
    assert not already_recorded(session, 8, f"page:p{REMEMBERED_MAX + 24}", day)
    assert not already_recorded(session, 7, f"page:p{REMEMBERED_MAX + 24}", date(2026, 12, 8))
    # A tampered or foreign value is no memory at all.
    assert not already_recorded({SESSION_KEY: "junk"}, 7, "page:p1", day)
