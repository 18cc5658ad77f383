"""Grading as plain functions: drawing plans, reading answers, scoring."""

from __future__ import annotations

import random

import pytest
from werkzeug.datastructures import MultiDict

from portal.content.model import Choice, Question, Quiz
from portal.content.quiz import question_version
from portal.learning.grading import (
    AnswerError,
    draw_attempt_plan,
    grade,
    parse_answers,
    selections_from_form,
    shown_questions,
)


def single(qid: str = "budget") -> Question:
    return Question(
        id=qid,
        type="single",
        prompt="Which signal best shows need?",
        explain="A named owner with budget is the strongest signal.",
        choices=(
            Choice("c1", "A named budget owner", True, "Someone can say yes."),
            Choice("c2", "A downloaded e-book", False, "Interest, not need."),
            Choice("c3", "A badge scan", False),
        ),
    )


def multiple(qid: str = "signals") -> Question:
    return Question(
        id=qid,
        type="multiple",
        prompt="Which are qualification signals?",
        choices=(
            Choice("c1", "A deadline", True),
            Choice("c2", "A budget", True),
            Choice("c3", "A favourite colour", False),
        ),
    )


def true_false(qid: str = "pricing", answer: bool = False) -> Question:
    return Question(
        id=qid,
        type="true_false",
        prompt="Promise pricing before qualification?",
        choices=(Choice("c1", "True", answer), Choice("c2", "False", not answer)),
    )


def make_quiz(*questions: Question, pass_mark: int = 75, **settings) -> Quiz:
    return Quiz(pass_mark=pass_mark, questions=questions, version="v1", **settings)


def pool(size: int) -> tuple[Question, ...]:
    return tuple(single(f"q{i}") for i in range(size))


def plan_for(quiz: Quiz) -> list[dict]:
    return draw_attempt_plan(quiz, random.Random(1))


# --- grade ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "chosen", "right"),
    [
        (single(), ["c1"], True),
        (single(), ["c2"], False),
        (multiple(), ["c1", "c2"], True),
        (multiple(), ["c1"], False),  # a correct one missing
        (multiple(), ["c1", "c2", "c3"], False),  # a wrong one added
        (true_false(answer=False), ["c2"], True),
        (true_false(answer=False), ["c1"], False),
        (true_false(answer=True), ["c1"], True),
    ],
)
def test_grade_each_question_type(question: Question, chosen: list[str], right: bool) -> None:
    quiz = make_quiz(question, pass_mark=100)
    result = grade(quiz, plan_for(quiz), {question.id: chosen})
    assert result.questions[0].correct is right
    assert result.results == {question.id: right}
    assert result.passed is right
    assert result.score == (100 if right else 0)


def test_score_rounds_down_and_pass_mark_is_inclusive() -> None:
    quiz = make_quiz(single("a"), single("b"), single("c"), pass_mark=66)
    plan = plan_for(quiz)
    result = grade(quiz, plan, {"a": ["c1"], "b": ["c1"], "c": ["c2"]})
    assert (result.right, result.total, result.score) == (2, 3, 66)
    assert result.passed  # 66 >= 66

    stricter = make_quiz(single("a"), single("b"), single("c"), pass_mark=67)
    assert not grade(stricter, plan, {"a": ["c1"], "b": ["c1"], "c": ["c2"]}).passed


def test_graded_result_keeps_display_order_and_choices() -> None:
    quiz = make_quiz(single(), multiple(), shuffle=True)
    plan = draw_attempt_plan(quiz, random.Random(7))
    result = grade(quiz, plan, {"budget": ["c2"], "signals": ["c1", "c2"]})
    assert [r.question.id for r in result.questions] == [item["id"] for item in plan]
    for item, graded in zip(plan, result.questions, strict=True):
        assert [c.key for c in graded.choices] == item["choices"]
    budget = next(r for r in result.questions if r.question.id == "budget")
    assert [c.text for c in budget.chosen] == ["A downloaded e-book"]


# --- draw_attempt_plan ---------------------------------------------------------------------


def test_plan_without_shuffle_or_draw_is_the_source_order() -> None:
    quiz = make_quiz(single(), multiple(), true_false())
    plan = draw_attempt_plan(quiz, random.Random(3))
    assert [{"id": i["id"], "choices": i["choices"]} for i in plan] == [
        {"id": "budget", "choices": ["c1", "c2", "c3"]},
        {"id": "signals", "choices": ["c1", "c2", "c3"]},
        {"id": "pricing", "choices": ["c1", "c2"]},
    ]
    # Each question carries its version: an edit of one question is told from the others.
    assert [i["v"] for i in plan] == [question_version(q) for q in quiz.questions]


def test_draw_gives_n_distinct_questions_from_the_pool() -> None:
    quiz = make_quiz(*pool(8), draw=3)
    for seed in range(20):
        ids = [item["id"] for item in draw_attempt_plan(quiz, random.Random(seed))]
        assert len(ids) == 3
        assert len(set(ids)) == 3
        assert set(ids) <= {q.id for q in quiz.questions}


def test_draws_differ_across_seeds() -> None:
    quiz = make_quiz(*pool(8), draw=3)
    draws = {
        tuple(item["id"] for item in draw_attempt_plan(quiz, random.Random(seed)))
        for seed in range(20)
    }
    assert len(draws) > 1


def test_draw_larger_than_pool_uses_every_question() -> None:
    quiz = make_quiz(*pool(2), draw=5)
    assert [i["id"] for i in draw_attempt_plan(quiz, random.Random(0))] == ["q0", "q1"]


def test_shuffle_shuffles_questions_and_choices_but_not_true_false() -> None:
    quiz = make_quiz(*pool(6), true_false(), shuffle=True)
    plans = [draw_attempt_plan(quiz, random.Random(seed)) for seed in range(20)]
    assert len({tuple(i["id"] for i in plan) for plan in plans}) > 1
    assert len({tuple(plan[0]["choices"]) for plan in plans}) > 1
    for plan in plans:
        assert sorted(i["id"] for i in plan) == sorted(q.id for q in quiz.questions)
        tf = next(i for i in plan if i["id"] == "pricing")
        assert tf["choices"] == ["c1", "c2"]


def test_shuffle_is_stable_within_an_attempt_because_the_plan_is_stored() -> None:
    quiz = make_quiz(single(), multiple(), shuffle=True)
    plan = draw_attempt_plan(quiz, random.Random(11))
    stored = [dict(item, choices=list(item["choices"])) for item in plan]
    # Showing the attempt again uses the stored plan, never a new draw.
    first = shown_questions(quiz, stored)
    again = shown_questions(quiz, stored)
    assert first == again
    assert [q.id for q in first] == [item["id"] for item in plan]
    assert [[c.key for c in q.choices] for q in first] == [item["choices"] for item in plan]


def test_same_seed_gives_the_same_plan() -> None:
    quiz = make_quiz(*pool(8), draw=4, shuffle=True)
    assert draw_attempt_plan(quiz, random.Random(5)) == draw_attempt_plan(quiz, random.Random(5))


def test_shown_questions_carry_no_answers() -> None:
    quiz = make_quiz(single())
    (shown,) = shown_questions(quiz, plan_for(quiz))
    assert not hasattr(shown.choices[0], "correct")
    assert not hasattr(shown.choices[0], "explain")
    assert not hasattr(shown, "explain")
    assert shown.field_name == "q-budget"


# --- parse_answers -------------------------------------------------------------------------


@pytest.fixture
def quiz() -> Quiz:
    return make_quiz(single(), multiple(), true_false())


def test_parse_answers_reads_every_question(quiz: Quiz) -> None:
    form = MultiDict(
        [
            ("csrf_token", "x"),
            ("q-budget", "c1"),
            ("q-signals", "c2"),
            ("q-signals", "c1"),
            ("q-pricing", "c2"),
        ]
    )
    answers = parse_answers(plan_for(quiz), form, quiz)
    assert answers == {"budget": ["c1"], "signals": ["c1", "c2"], "pricing": ["c2"]}


def test_missing_answer_names_the_question_number(quiz: Quiz) -> None:
    form = MultiDict([("q-budget", "c1"), ("q-pricing", "c2")])
    with pytest.raises(AnswerError, match="question 2") as caught:
        parse_answers(plan_for(quiz), form, quiz)
    assert caught.value.question_id == "signals"


def test_unknown_choice_is_rejected(quiz: Quiz) -> None:
    form = MultiDict([("q-budget", "c9"), ("q-signals", "c1"), ("q-pricing", "c2")])
    with pytest.raises(AnswerError, match="not one of its choices"):
        parse_answers(plan_for(quiz), form, quiz)


def test_question_not_in_the_plan_is_tampering() -> None:
    quiz = make_quiz(*pool(5), draw=2)
    plan = draw_attempt_plan(quiz, random.Random(2))
    outside = next(q.id for q in quiz.questions if q.id not in {i["id"] for i in plan})
    form = MultiDict([(f"q-{i['id']}", "c1") for i in plan] + [(f"q-{outside}", "c1")])
    with pytest.raises(AnswerError, match="do not match"):
        parse_answers(plan, form, quiz)


@pytest.mark.parametrize("question", [single(), true_false()])
def test_two_answers_to_a_single_answer_question(question: Question) -> None:
    quiz = make_quiz(question)
    form = MultiDict([(f"q-{question.id}", "c1"), (f"q-{question.id}", "c2")])
    with pytest.raises(AnswerError, match="exactly one answer"):
        parse_answers(plan_for(quiz), form, quiz)


def test_selections_from_form_keep_what_was_ticked(quiz: Quiz) -> None:
    form = MultiDict([("q-signals", "c1"), ("q-signals", "c3"), ("q-nope", "c1")])
    assert selections_from_form(plan_for(quiz), form) == {
        "budget": [],
        "signals": ["c1", "c3"],
        "pricing": [],
    }
