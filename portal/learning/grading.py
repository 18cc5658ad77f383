"""Quiz grading: drawing an attempt's questions, reading its answers, scoring them.

Pure functions over the content dataclasses: no database, no Flask. An attempt's *plan* is
the list of questions it shows, in display order, each with its choice keys in display order:
`[{"id": "budget", "choices": ["badge-scan", "owner", "e-book"], "v": <question version>}, ...]`
(portal.learning.quiz_edits keeps an open plan usable when the quiz is edited). The plan is
stored with the attempt, so shuffling is stable within an attempt and grading never depends
on today's random numbers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from portal.content.model import Choice, Question, Quiz
from portal.content.quiz import question_version

FIELD_PREFIX = "q-"
SINGLE_ANSWER_TYPES = frozenset({"single", "true_false"})

Plan = list[dict[str, Any]]
Answers = dict[str, list[str]]


class FormData(Protocol):
    """What `parse_answers` needs from a form: werkzeug's MultiDict has it."""

    def getlist(self, key: str) -> list[str]: ...

    def __iter__(self) -> Iterator[str]: ...


class AnswerError(ValueError):
    """A submission that cannot be graded; `message` says why, in words for the learner."""

    def __init__(self, message: str, question_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.question_id = question_id


@dataclass(frozen=True)
class QuestionResult:
    """One graded question: what was shown, what was chosen, whether it was right."""

    number: int  # 1-based, in display order
    question: Question
    choices: tuple[Choice, ...]  # in display order
    selected: frozenset[str]
    correct: bool

    @property
    def chosen(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if c.key in self.selected)


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one attempt."""

    questions: tuple[QuestionResult, ...]
    right: int
    total: int
    score: int  # percent, rounded down
    pass_mark: int
    passed: bool

    @property
    def results(self) -> dict[str, bool]:
        """Question id → right, as stored on the attempt."""
        return {r.question.id: r.correct for r in self.questions}


@dataclass(frozen=True)
class ShownChoice:
    key: str
    text: str


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the form shows it: no correct flags, no explanations."""

    number: int
    id: str
    type: str
    prompt: str
    choices: tuple[ShownChoice, ...]
    version: str = ""  # sent back with the answers (portal.learning.quiz_edits)

    @property
    def multiple(self) -> bool:
        return self.type not in SINGLE_ANSWER_TYPES

    @property
    def field_name(self) -> str:
        return FIELD_PREFIX + self.id


def draw_attempt_plan(quiz: Quiz, rng: random.Random) -> Plan:
    """Choose the questions (and their choice order) an attempt will show.

    `draw` picks that many distinct questions from the pool; `shuffle` shuffles the questions
    and each question's choices (true/false keeps True before False). Without `shuffle`,
    drawn questions keep their order in the source.
    """
    questions = list(quiz.questions)
    if quiz.draw is not None and quiz.draw < len(questions):
        drawn = set(rng.sample(range(len(questions)), quiz.draw))
        questions = [q for i, q in enumerate(questions) if i in drawn]
    if quiz.shuffle:
        rng.shuffle(questions)
    plan: Plan = []
    for question in questions:
        keys = [c.key for c in question.choices]
        if quiz.shuffle and question.type != "true_false":
            rng.shuffle(keys)
        plan.append({"id": question.id, "choices": keys, "v": question_version(question)})
    return plan


def parse_answers(plan: Sequence[Mapping[str, Any]], form: FormData, quiz: Quiz) -> Answers:
    """Read the answers for a plan from form fields named `q-<question id>`.

    Raises AnswerError for a field naming a question the attempt does not show (tampered),
    an unknown choice key, two answers to a single-answer question, or a missing answer
    (naming the question's number). Returns question id → chosen keys in display order.
    """
    planned = {item["id"]: item for item in plan}
    for name in form:
        if name.startswith(FIELD_PREFIX) and name[len(FIELD_PREFIX) :] not in planned:
            raise AnswerError(
                "The answers do not match this attempt's questions. "
                "Reload the page and answer the questions shown."
            )
    answers: Answers = {}
    for number, item in enumerate(plan, start=1):
        question_id = item["id"]
        keys = list(item["choices"])
        submitted = form.getlist(FIELD_PREFIX + question_id)
        unknown = [value for value in submitted if value not in keys]
        if unknown:
            raise AnswerError(
                f"Question {number} has an answer that is not one of its choices.", question_id
            )
        chosen = set(submitted)
        if not chosen:
            raise AnswerError(f"Please answer question {number}.", question_id)
        question = quiz.question(question_id)
        if question is not None and question.type in SINGLE_ANSWER_TYPES and len(chosen) > 1:
            raise AnswerError(f"Question {number} takes exactly one answer.", question_id)
        answers[question_id] = [key for key in keys if key in chosen]
    return answers


def shown_questions(quiz: Quiz, plan: Sequence[Mapping[str, Any]]) -> tuple[ShownQuestion, ...]:
    """The plan's questions for the answer form, stripped of everything that gives answers away."""
    shown: list[ShownQuestion] = []
    for number, item in enumerate(plan, start=1):
        question = quiz.question(item["id"])
        if question is None:
            continue
        by_key = {c.key: c for c in question.choices}
        choices = tuple(
            ShownChoice(key=key, text=by_key[key].text) for key in item["choices"] if key in by_key
        )
        shown.append(
            ShownQuestion(
                number,
                question.id,
                question.type,
                question.prompt,
                choices,
                item.get("v", ""),
            )
        )
    return tuple(shown)


def selections_from_form(plan: Sequence[Mapping[str, Any]], form: FormData) -> dict[str, list[str]]:
    """What the learner ticked, per planned question, to keep their choices on a re-render."""
    return {item["id"]: form.getlist(FIELD_PREFIX + item["id"]) for item in plan}


def grade(
    quiz: Quiz, plan: Sequence[Mapping[str, Any]], answers: Mapping[str, Sequence[str]]
) -> GradeResult:
    """Grade answers against the quiz: a question is right when the chosen set equals the
    correct set (so `multiple` needs every correct choice and no wrong one)."""
    graded: list[QuestionResult] = []
    for number, item in enumerate(plan, start=1):
        question = quiz.question(item["id"])
        if question is None:
            raise AnswerError(
                "This quiz has changed since the attempt started. Please start a new attempt."
            )
        by_key = {c.key: c for c in question.choices}
        choices = tuple(by_key[key] for key in item["choices"] if key in by_key)
        selected = frozenset(answers.get(question.id, ()))
        graded.append(
            QuestionResult(
                number=number,
                question=question,
                choices=choices,
                selected=selected,
                correct=selected == question.correct_keys,
            )
        )
    total = len(graded)
    right = sum(1 for r in graded if r.correct)
    score = right * 100 // total if total else 0
    return GradeResult(
        questions=tuple(graded),
        right=right,
        total=total,
        score=score,
        pass_mark=quiz.pass_mark,
        passed=total > 0 and score >= quiz.pass_mark,
    )
