"""Query budget: learning pages run at most 10 statements, however many attempts exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import ModuleCompletion, QuizAttempt
from tests.learning.conftest import answers_for

BUDGET = 10


def add_history(user, content, attempts: int) -> None:
    """Old graded attempts spread over the user's modules (outside every cooldown)."""
    basics = content.paths["basics"]
    long_ago = utcnow() - timedelta(days=30)
    rows = []
    for i in range(attempts):
        module = basics.modules[1 + i % 2]
        plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in module.quiz.questions]
        rows.append(
            {
                "user_id": user.id,
                "organization_id": user.organization_id,
                "path_id": "basics",
                "module_id": module.id,
                "content_version": "old",
                "quiz_version": module.quiz.version,
                "questions": plan,
                "answers": {},
                "results": {},
                "score": 0,
                "passed": False,
                "started_at": long_ago + timedelta(seconds=i),
                "submitted_at": long_ago + timedelta(seconds=i, minutes=1),
            }
        )
    if rows:
        db.session.execute(sa.insert(QuizAttempt), rows)
    db.session.add(
        ModuleCompletion(
            user_id=user.id, path_id="basics", module_id="welcome", completed_at=long_ago
        )
    )
    db.session.commit()


def measure(client, count_queries, user, content) -> dict[str, int]:
    """Statements per request for each learning page, each request on an empty session (as
    in production, where every request starts with a new one)."""
    user_id = user.id
    quiz = content.paths["basics"].module("qualifying").quiz

    def run(name: str, method: str, url: str, status: int, **kwargs) -> None:
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.open(url, method=method, **kwargs).status_code == status
        counts[name] = counter.count

    counts: dict[str, int] = {}
    run("paths", "GET", "/learn", 200)
    run("path", "GET", "/learn/basics", 200)
    run("module", "GET", "/learn/basics/qualifying", 200)
    run("certificates", "GET", "/certificates", 200)
    run("start", "POST", "/learn/basics/qualifying/attempts", 303)
    run("module_open_attempt", "GET", "/learn/basics/qualifying", 200)
    attempt_id, plan = db.session.execute(
        sa.select(QuizAttempt.id, QuizAttempt.questions)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.id.desc())
    ).one()
    url = f"/learn/basics/qualifying/attempts/{attempt_id}"
    run("submit_bad", "POST", url, 422, data={})
    run("submit_fail", "POST", url, 200, data=answers_for(quiz, plan, right=False))
    run("submit_again", "POST", url, 409, data=answers_for(quiz, plan, right=False))
    run("module_after_fail", "GET", "/learn/basics/qualifying", 200)
    run("start_again", "POST", "/learn/basics/qualifying/attempts", 303)
    attempt_id, plan = db.session.execute(
        sa.select(QuizAttempt.id, QuizAttempt.questions)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.id.desc())
    ).one()
    url = f"/learn/basics/qualifying/attempts/{attempt_id}"
    run("submit_pass", "POST", url, 200, data=answers_for(quiz, plan, right=True))
    run("module_passed", "GET", "/learn/basics/qualifying", 200)
    return counts


@pytest.mark.parametrize("history", [0, 400])
def test_learning_pages_stay_within_budget(
    login, make_user, partner_org, content, count_queries, history
) -> None:
    user = make_user(org=partner_org)
    crowd = make_user(org=partner_org)
    add_history(crowd, content, 400)  # someone else's attempts never show up in the counts
    add_history(user, content, history)
    client = login(user)
    counts = measure(client, count_queries, user, content)
    print("statements per request:", counts)
    assert max(counts.values()) <= BUDGET, counts


def test_statement_counts_do_not_grow_with_attempts(
    login, make_user, partner_org, content, count_queries
) -> None:
    few = make_user(org=partner_org)
    many = make_user(org=partner_org)
    add_history(few, content, 2)
    add_history(many, content, 500)
    for user in (few, many):
        db.session.refresh(user)  # loaded now: measure() detaches everything
    assert measure(login(few), count_queries, few, content) == measure(
        login(many), count_queries, many, content
    )


def test_path_progress_is_three_queries(partner_user, content, count_queries) -> None:
    from portal.learning.progress import path_progress, paths_progress

    add_history(partner_user, content, 50)
    db.session.refresh(partner_user)  # loaded before counting, as the request's user is
    with count_queries() as counter:
        path_progress(partner_user, content.paths["basics"])
    assert counter.count == 3
    with count_queries() as counter:
        paths_progress(partner_user, list(content.paths.values()))
    assert counter.count == 2


def test_the_submission_that_completes_a_path_stays_within_budget(
    login, partner_user, content, count_queries
) -> None:
    client = login(partner_user)
    basics = content.paths["basics"]
    assert client.post("/learn/basics/welcome/complete").status_code == 303
    for module_id in ("qualifying", "handover"):
        assert client.post(f"/learn/basics/{module_id}/attempts").status_code == 303
        attempt_id, plan = db.session.execute(
            sa.select(QuizAttempt.id, QuizAttempt.questions).where(
                QuizAttempt.module_id == module_id, QuizAttempt.submitted_at.is_(None)
            )
        ).one()
        db.session.expunge_all()
        with count_queries() as counter:
            response = client.post(
                f"/learn/basics/{module_id}/attempts/{attempt_id}",
                data=answers_for(basics.module(module_id).quiz, plan),
            )
        assert response.status_code == 200
        # The certificate's `certification.issued` webhook looks up the subscribed endpoints.
        assert counter.count <= BUDGET + 1, counter.statements
    assert "You completed Basics." in response.get_data(as_text=True)


def test_claiming_a_certificate_stays_within_budget(login, partner_user, count_queries) -> None:
    user_id = partner_user.id
    for module_id in ("welcome", "qualifying", "handover"):
        db.session.add(ModuleCompletion(user_id=user_id, path_id="basics", module_id=module_id))
    db.session.commit()
    client = login(partner_user)
    db.session.expunge_all()
    with count_queries() as counter:
        response = client.post("/learn/basics/certificate")
    assert response.status_code == 303
    assert counter.count <= BUDGET, counter.statements
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get(response.headers["Location"]).status_code == 200
    assert counter.count <= BUDGET, counter.statements
