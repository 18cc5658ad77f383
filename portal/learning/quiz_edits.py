"""An open attempt after the quiz was edited: keep what did not change, name what did.

Each question of an attempt's plan carries the version of the question it showed (`"v"`,
portal.content.quiz.question_version), and the form sends back the version each question was
shown at (`qv-<id>`). When the quiz changes while an attempt is open:

- questions that did not change keep their place, choice order and the learner's answers;
- a changed question is shown again as it is now (its choices in source order), and answers
  given to its old wording are not graded: the learner is told which question changed;
- a removed question leaves the attempt (an attempt left with no question is closed).

Pure functions over the plan and the content: no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from portal.content.model import Quiz
from portal.content.quiz import question_version
from portal.learning.grading import FormData, Plan

VERSION_PREFIX = "qv-"


@dataclass(frozen=True)
class PlanUpdate:
    """An attempt's plan against today's quiz, and which of its questions changed."""

    plan: Plan
    changed: frozenset[str]  # ids of questions edited since the plan was drawn
    removed: tuple[str, ...]  # ids of questions no longer in the quiz


def update_plan(plan: Sequence[Mapping[str, Any]], quiz: Quiz, drawn_from: str) -> PlanUpdate:
    """`plan` (drawn from quiz version `drawn_from`) brought up to date with `quiz`.

    A plan stored before questions carried versions counts as current when the whole quiz is
    the version it was drawn from, and as changed otherwise."""
    same_quiz = drawn_from == quiz.version
    updated: Plan = []
    changed: set[str] = set()
    removed: list[str] = []
    for item in plan:
        question = quiz.question(item["id"])
        if question is None:
            removed.append(item["id"])
            continue
        version = question_version(question)
        if item.get("v", version if same_quiz else "") == version:
            updated.append({"id": question.id, "choices": list(item["choices"]), "v": version})
        else:
            changed.add(question.id)
            keys = [c.key for c in question.choices]
            updated.append({"id": question.id, "choices": keys, "v": version})
    return PlanUpdate(updated, frozenset(changed), tuple(removed))


def stale_questions(update: PlanUpdate, form: FormData) -> list[tuple[int, str]]:
    """(number, id) of each question the form answered in a version that is not today's.

    A form without version fields answered the plan as it was drawn."""
    stale = []
    for number, item in enumerate(update.plan, start=1):
        sent = form.getlist(VERSION_PREFIX + item["id"])
        shown = sent[0] if sent else (None if item["id"] in update.changed else item["v"])
        if shown != item["v"]:
            stale.append((number, item["id"]))
    return stale


def changed_message(stale: Sequence[tuple[int, str]]) -> str:
    """What the learner reads when questions changed under their open attempt."""
    numbers = [str(number) for number, _ in stale]
    if len(numbers) == 1:
        which = f"Question {numbers[0]} was changed"
        again = "Read it again and answer it"
    else:
        which = f"Questions {', '.join(numbers[:-1])} and {numbers[-1]} were changed"
        again = "Read them again and answer them"
    return f"{which} since you opened the quiz. {again}; your other answers are kept."
