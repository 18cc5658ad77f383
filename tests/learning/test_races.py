"""Concurrent requests: a submission is graded once, a start opens at most one attempt.

A second request is simulated with a second app context, which has its own database session
(as a second worker would): it commits while the first request holds objects it loaded before.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.accounts.models import User
from portal.extensions import db
from portal.learning import attempts
from portal.learning.attempts import (
    AttemptAlreadyGraded,
    complete_module,
    start_attempt,
    submit_attempt,
)
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.learning.progress import path_progress
from tests.learning.conftest import answers_for

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def count(model, **where) -> int:
    stmt = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)


def pass_modules(user, path, *module_ids: str) -> None:
    for n, module_id in enumerate(module_ids):
        module = path.module(module_id)
        now = T0 + timedelta(minutes=n)
        if module.quiz is None:
            complete_module(user, path, module, now)
        else:
            attempt = start_attempt(user, path, module, "v1", now, random.Random(n))
            form = MultiDict(answers_for(module.quiz, attempt.questions))
            submit_attempt(attempt, path, module, form, now)
        db.session.commit()


def submit_elsewhere(app, attempt_id: int, path, module, form, now) -> None:
    """Another request (its own session) submits the attempt and commits."""
    with app.app_context():
        theirs = db.session.get(QuizAttempt, attempt_id)
        submit_attempt(theirs, path, module, form, now)
        db.session.commit()


@pytest.mark.parametrize("module_id", ["qualifying", "handover"])
def test_two_concurrent_submissions_grade_once(app, partner_user, basics, module_id) -> None:
    earlier = {"qualifying": ["welcome"], "handover": ["welcome", "qualifying"]}[module_id]
    pass_modules(partner_user, basics, *earlier)
    module = basics.module(module_id)
    now = T0 + timedelta(hours=1)
    mine = start_attempt(partner_user, basics, module, "v1", now, random.Random(7))
    db.session.commit()
    form = MultiDict(answers_for(module.quiz, mine.questions))
    # This request has loaded the open attempt and the progress before grading it ...
    assert mine.submitted_at is None
    before = path_progress(partner_user, basics, now, with_attempts=False)
    # ... when another request with the same answers commits its submission.
    submit_elsewhere(app, mine.id, basics, module, form, now)

    with pytest.raises(AttemptAlreadyGraded, match="already graded"):
        submit_attempt(mine, basics, module, form, now + timedelta(seconds=1), before)
    db.session.commit()
    db.session.expire_all()
    assert count(ModuleCompletion, module_id=module_id) == 1
    assert count(Certification) == (1 if module_id == "handover" else 0)
    assert mine.submitted_at == now  # the other request's grade stands


def test_a_stale_attempt_object_is_not_graded_twice(partner_user, basics) -> None:
    pass_modules(partner_user, basics, "welcome")
    module = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, module, "v1", T0, random.Random(1))
    db.session.commit()
    assert attempt.submitted_at is None
    # Graded behind this session's back (the object still says "open").
    db.session.execute(
        sa.update(QuizAttempt.__table__)
        .where(QuizAttempt.__table__.c.id == attempt.id)
        .values(submitted_at=T0, passed=False, score=0)
    )
    form = MultiDict(answers_for(module.quiz, attempt.questions))
    with pytest.raises(AttemptAlreadyGraded):
        submit_attempt(attempt, basics, module, form, T0 + timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    assert attempt.passed is False and attempt.score == 0
    assert count(ModuleCompletion, module_id="qualifying") == 0


def test_start_returns_the_attempt_a_concurrent_start_opened(
    app, partner_user, basics, monkeypatch
) -> None:
    pass_modules(partner_user, basics, "welcome")
    module = basics.module("qualifying")
    real_latest = attempts.latest_attempt
    race = iter([True])
    opened: list[int] = []

    def latest_then_race(user, path_id, module_id):
        found = real_latest(user, path_id, module_id)
        if next(race, False):  # between this request's read and its insert, the other commits
            with app.app_context():
                other_user = db.session.get(User, user.id)
                theirs = start_attempt(other_user, basics, module, "v1", T0, random.Random(2))
                db.session.commit()
                opened.append(theirs.id)
        return found

    monkeypatch.setattr(attempts, "latest_attempt", latest_then_race)
    attempt = start_attempt(partner_user, basics, module, "v1", T0, random.Random(3))
    db.session.commit()  # the session is still usable: only the savepoint was rolled back
    assert opened and attempt.id == opened[0]
    assert count(QuizAttempt, module_id="qualifying") == 1


def test_the_database_allows_one_open_attempt_per_module(partner_user, basics) -> None:
    pass_modules(partner_user, basics, "welcome")
    module = basics.module("qualifying")
    first = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    duplicate = QuizAttempt(
        user_id=partner_user.id,
        organization_id=partner_user.organization_id,
        path_id="basics",
        module_id="qualifying",
        content_version="v1",
        quiz_version=module.quiz.version,
        questions=first.questions,
    )
    db.session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_attempt_started_in_an_open_window_is_graded_after_it_closes(
    partner_user, basics
) -> None:
    pass_modules(partner_user, basics, "welcome")
    module = basics.module("qualifying")  # max_attempts 2 within 24 hours
    attempt = start_attempt(partner_user, basics, module, "v1", T0, random.Random(1))
    db.session.commit()
    # Meanwhile two failed attempts are recorded (say, from before a data import).
    for minutes in (1, 2):
        db.session.add(
            QuizAttempt(
                user_id=partner_user.id,
                organization_id=partner_user.organization_id,
                path_id="basics",
                module_id="qualifying",
                content_version="v1",
                quiz_version=module.quiz.version,
                questions=attempt.questions,
                passed=False,
                score=0,
                started_at=T0 - timedelta(minutes=minutes),
                submitted_at=T0 + timedelta(minutes=minutes),
            )
        )
    db.session.commit()
    window = attempts.attempt_window(
        partner_user, "basics", "qualifying", module.quiz, T0 + timedelta(minutes=5)
    )
    assert not window.is_open
    form = MultiDict(answers_for(module.quiz, attempt.questions))
    submission = submit_attempt(attempt, basics, module, form, T0 + timedelta(minutes=5))
    db.session.commit()
    assert submission.result.passed and attempt.passed is True
    assert count(ModuleCompletion, module_id="qualifying") == 1
