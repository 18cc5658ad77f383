"""Attempts as plain functions: starting, the attempt window, submitting and refusals."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.content.model import LearningPath
from portal.extensions import db
from portal.learning.attempts import (
    AttemptAlreadyGraded,
    AttemptError,
    AttemptWindowClosed,
    QuestionsChanged,
    QuizChanged,
    attempt_window,
    complete_module,
    start_attempt,
    submit_attempt,
)
from portal.learning.grading import AnswerError
from portal.learning.models import ModuleCompletion, QuizAttempt
from portal.learning.quiz_edits import update_plan
from tests.learning.conftest import answers_for

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def _take(user, path: LearningPath, module_id: str, now: datetime, right: bool):
    module = path.module(module_id)
    attempt = start_attempt(user, path, module, "content-v1", now, random.Random(1))
    form = MultiDict(answers_for(module.quiz, attempt.questions, right=right))
    submission = submit_attempt(attempt, path, module, form, now + timedelta(minutes=5))
    db.session.commit()
    return attempt, submission.result


def _snapshot() -> list[tuple]:
    rows = db.session.execute(
        sa.select(
            QuizAttempt.id,
            QuizAttempt.answers,
            QuizAttempt.score,
            QuizAttempt.passed,
            QuizAttempt.submitted_at,
        ).order_by(QuizAttempt.id)
    ).all()
    completions = db.session.scalar(sa.select(sa.func.count()).select_from(ModuleCompletion))
    return [tuple(r) for r in rows] + [("completions", completions)]


def test_start_stores_versions_and_plan(partner_user, basics) -> None:
    module = basics.module("handover")
    attempt = start_attempt(partner_user, basics, module, "content-v1", T0, random.Random(3))
    db.session.commit()
    assert attempt.content_version == "content-v1"
    assert attempt.quiz_version == module.quiz.version
    assert attempt.organization_id == partner_user.organization_id
    assert attempt.started_at == T0
    ids = [item["id"] for item in attempt.questions]
    assert len(ids) == 2 == len(set(ids))  # draw: 2 from a pool of 3


def test_start_reuses_the_open_attempt(partner_user, basics) -> None:
    module = basics.module("handover")
    first = start_attempt(partner_user, basics, module, "v1", T0, random.Random(1))
    db.session.commit()
    again = start_attempt(partner_user, basics, module, "v1", T0 + timedelta(hours=1))
    assert again.id == first.id
    assert again.questions == first.questions  # the stored plan: stable within the attempt
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_start_keeps_the_open_attempt_after_an_edit_elsewhere_in_the_quiz(
    partner_user, basics
) -> None:
    module = basics.module("qualifying")
    old = start_attempt(partner_user, basics, module, "v1", T0)
    old.quiz_version = "older"  # e.g. the pass mark changed; its questions did not
    db.session.commit()
    again = start_attempt(partner_user, basics, module, "v2", T0 + timedelta(minutes=1))
    assert again.id == old.id and again.submitted_at is None


def test_start_voids_an_open_attempt_none_of_whose_questions_remain(partner_user, basics) -> None:
    module = basics.module("qualifying")
    old = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    for item in old.questions:
        item["id"] = f"gone-{item['id']}"
    sa.orm.attributes.flag_modified(old, "questions")
    db.session.commit()
    new = start_attempt(partner_user, basics, module, "v2", T0 + timedelta(minutes=1))
    assert new.id != old.id
    assert old.submitted_at is not None and old.passed is None


def test_submit_a_pass_records_the_grade_and_the_completion(partner_user, basics) -> None:
    attempt, result = _take(partner_user, basics, "qualifying", T0, right=True)
    assert result.passed and result.score == 100
    assert attempt.passed is True and attempt.score == 100
    assert attempt.submitted_at == T0 + timedelta(minutes=5)
    assert attempt.answers == {
        "budget": ["a-named-budget-owner"],
        "signals": ["a-deadline", "a-budget"],
        "handover": ["c2"],
        "intro": ["the-contact"],
    }
    assert attempt.results == dict.fromkeys(["budget", "signals", "handover", "intro"], True)
    completion = db.session.scalar(sa.select(ModuleCompletion))
    assert (completion.module_id, completion.attempt_id) == ("qualifying", attempt.id)


def test_submit_a_fail_records_no_completion(partner_user, basics) -> None:
    attempt, result = _take(partner_user, basics, "qualifying", T0, right=False)
    assert not result.passed and result.score == 0
    assert attempt.passed is False
    assert db.session.scalar(sa.select(ModuleCompletion)) is None


def test_second_submission_is_refused_and_changes_nothing(partner_user, basics) -> None:
    attempt, _ = _take(partner_user, basics, "qualifying", T0, right=False)
    before = _snapshot()
    module = basics.module("qualifying")
    form = MultiDict(answers_for(module.quiz, attempt.questions, right=True))
    with pytest.raises(AttemptAlreadyGraded, match="already graded"):
        submit_attempt(attempt, basics, module, form, T0 + timedelta(hours=1))
    db.session.commit()
    assert _snapshot() == before


def test_bad_answers_are_refused_and_change_nothing(partner_user, basics) -> None:
    module = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    before = _snapshot()
    with pytest.raises(AnswerError, match="question 1"):
        submit_attempt(attempt, basics, module, MultiDict(), T0)
    db.session.commit()
    assert _snapshot() == before


def _edit_prompt(module, question_id: str, prompt: str):
    quiz = module.quiz
    questions = tuple(
        dataclasses.replace(q, prompt=prompt) if q.id == question_id else q for q in quiz.questions
    )
    return dataclasses.replace(
        module, quiz=dataclasses.replace(quiz, questions=questions, version="edited")
    )


def test_an_edit_that_leaves_the_questions_alone_grades_the_open_attempt(
    partner_user, basics
) -> None:
    module = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    edited = dataclasses.replace(
        module, quiz=dataclasses.replace(module.quiz, pass_mark=50, version="edited")
    )
    form = MultiDict(answers_for(module.quiz, attempt.questions))
    submission = submit_attempt(attempt, basics, edited, form, T0)
    db.session.commit()
    assert submission.result.passed and submission.result.pass_mark == 50
    assert (attempt.passed, attempt.quiz_version) == (True, "edited")


def test_a_changed_question_is_named_and_the_attempt_stays_open(partner_user, basics) -> None:
    module = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    number = [item["id"] for item in attempt.questions].index("signals") + 1
    edited = _edit_prompt(module, "signals", "Which two of these are signals?")
    form = MultiDict(answers_for(module.quiz, attempt.questions))
    before = _snapshot()
    with pytest.raises(QuestionsChanged) as changed:
        submit_attempt(attempt, basics, edited, form, T0)
    assert changed.value.message == (
        f"Question {number} was changed since you opened the quiz. Read it again and answer "
        "it; your other answers are kept."
    )
    assert changed.value.stale_ids == {"signals"}
    db.session.commit()
    assert _snapshot() == before  # still open, nothing written
    # Answered again as the form now shows it (with the question's new version): graded.
    plan = update_plan(attempt.questions, edited.quiz, attempt.quiz_version).plan
    form = MultiDict(answers_for(edited.quiz, plan))
    form.add("qv-signals", next(i["v"] for i in plan if i["id"] == "signals"))
    assert submit_attempt(attempt, basics, edited, form, T0).result.passed


def test_an_attempt_whose_questions_all_went_is_voided(partner_user, basics) -> None:
    module = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, module, "v1", T0)
    db.session.commit()
    emptied = dataclasses.replace(module.quiz.questions[0], id="brand-new")
    edited = dataclasses.replace(
        module, quiz=dataclasses.replace(module.quiz, questions=(emptied,), version="edited")
    )
    form = MultiDict(answers_for(module.quiz, attempt.questions))
    with pytest.raises(QuizChanged, match="start a new attempt"):
        submit_attempt(attempt, basics, edited, form, T0)
    db.session.commit()
    assert attempt.submitted_at is not None and attempt.passed is None and attempt.answers is None
    # A voided attempt is not a failed one.
    window = attempt_window(partner_user, basics.id, module.id, module.quiz, T0)
    assert window.used == 0


def test_a_graded_attempt_keeps_a_snapshot_of_what_it_showed(partner_user, basics) -> None:
    attempt, _ = _take(partner_user, basics, "qualifying", T0, right=True)
    shown = {q["id"]: q for q in attempt.snapshot}
    budget = shown["budget"]
    assert budget["prompt"] == "Which signal best shows a real buying need?"
    assert budget["explain"] == "A named owner with budget is the strongest signal."
    assert budget["correct"] is True
    assert {c["text"]: (c["correct"], c["chosen"]) for c in budget["choices"]} == {
        "A named budget owner": (True, True),
        "A downloaded e-book": (False, False),
        "A conference badge scan": (False, False),
    }


def test_max_attempts_closes_the_window_until_the_oldest_cools_down(partner_user, basics) -> None:
    module = basics.module("qualifying")  # max_attempts 2, cooldown 24 h
    _take(partner_user, basics, "qualifying", T0, right=False)
    window = attempt_window(
        partner_user, basics.id, module.id, module.quiz, T0 + timedelta(hours=1)
    )
    assert (window.used, window.remaining, window.is_open) == (1, 1, True)

    _take(partner_user, basics, "qualifying", T0 + timedelta(hours=2), right=False)
    now = T0 + timedelta(hours=3)
    window = attempt_window(partner_user, basics.id, module.id, module.quiz, now)
    first_submitted = T0 + timedelta(minutes=5)
    assert (window.used, window.remaining) == (2, 0)
    assert window.next_open_at == first_submitted + timedelta(hours=24)

    with pytest.raises(AttemptWindowClosed) as closed:
        start_attempt(partner_user, basics, module, "v1", now)
    assert closed.value.next_open_at == window.next_open_at
    assert "02 Mar 2030 at 09:05 UTC" in closed.value.message

    reopened = attempt_window(partner_user, basics.id, module.id, module.quiz, window.next_open_at)
    assert reopened.is_open and reopened.used == 1
    assert start_attempt(partner_user, basics, module, "v1", window.next_open_at).id


def test_passed_attempts_do_not_count_against_the_limit(partner_user, basics) -> None:
    module = basics.module("qualifying")
    _take(partner_user, basics, "qualifying", T0, right=False)
    _take(partner_user, basics, "qualifying", T0 + timedelta(hours=1), right=True)
    window = attempt_window(
        partner_user, basics.id, module.id, module.quiz, T0 + timedelta(hours=2)
    )
    assert window.used == 1 and window.is_open


def test_the_window_is_per_module_and_per_user(partner_user, partner_admin, basics) -> None:
    _take(partner_user, basics, "qualifying", T0, right=False)
    _take(partner_user, basics, "qualifying", T0 + timedelta(hours=1), right=False)
    quiz = basics.module("qualifying").quiz
    now = T0 + timedelta(hours=2)
    assert not attempt_window(partner_user, "basics", "qualifying", quiz, now).is_open
    assert attempt_window(partner_admin, "basics", "qualifying", quiz, now).is_open
    assert attempt_window(partner_user, "basics", "handover", quiz, now).is_open


def test_no_max_attempts_means_always_open(partner_user, basics) -> None:
    quiz = basics.module("handover").quiz
    window = attempt_window(partner_user, "basics", "handover", quiz, T0)
    assert window.is_open and window.remaining is None


def test_complete_module_refuses_a_module_with_a_quiz(partner_user, basics) -> None:
    with pytest.raises(AttemptError, match="passing its quiz"):
        complete_module(partner_user, basics, basics.module("qualifying"), T0)
    completion = complete_module(partner_user, basics, basics.module("welcome"), T0)
    assert completion.module_id == "welcome"
