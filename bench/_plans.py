"""Attempt plans for the seeded history, drawn and graded by the portal's own quiz code.

For every module a few plans are drawn with `portal.learning.grading.draw_attempt_plan` (so
`shuffle` and `draw` look exactly as the app stores them) and graded with `grade`, giving a
passing, a failing and an unsubmitted variant of each, as pre-serialised JSON for the writer.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from typing import Any

from portal.content.model import ContentIndex, Quiz
from portal.learning.grading import draw_attempt_plan, grade

PLAN_VARIANTS = 4


@dataclass(frozen=True)
class Variant:
    """One attempt's stored columns: plan, answers, per-question results, score, passed."""

    questions: str
    answers: str | None
    results: str | None
    score: int | None
    passed: bool | None


@dataclass
class ModuleSpec:
    """A module's ids, quiz version and its passing, failing and open attempt variants."""

    path_id: str
    module_id: str
    quiz_version: str
    passes: list[Variant]
    fails: list[Variant]
    opens: list[Variant]


def module_specs(content: ContentIndex, rng: random.Random) -> dict[str, list[ModuleSpec]]:
    """Per path, per module: a few attempt plans with passing, failing and open answers."""
    specs: dict[str, list[ModuleSpec]] = {}
    for path in content.paths.values():
        modules = []
        for module in path.modules:
            if module.quiz is None:
                raise SystemExit(f"bench content: module {module.source} has no quiz")
            spec = ModuleSpec(path.id, module.id, module.quiz.version, [], [], [])
            for _ in range(PLAN_VARIANTS):
                plan = draw_attempt_plan(module.quiz, rng)
                spec.passes.append(_graded(module.quiz, plan, wrong=len(plan) // 8))
                spec.fails.append(_graded(module.quiz, plan, wrong=math.ceil(len(plan) / 2)))
                spec.opens.append(Variant(json.dumps(plan), None, None, None, None))
            modules.append(spec)
        specs[path.id] = modules
    return specs


def _graded(quiz: Quiz, plan: list[dict[str, Any]], wrong: int) -> Variant:
    answers: dict[str, list[str]] = {}
    for number, item in enumerate(plan):
        question = quiz.question(item["id"])
        assert question is not None
        correct = question.correct_keys
        if number < wrong:
            chosen = {next(key for key in item["choices"] if key not in correct)}
        else:
            chosen = set(correct)
        answers[item["id"]] = [key for key in item["choices"] if key in chosen]
    result = grade(quiz, plan, answers)
    return Variant(
        json.dumps(plan),
        json.dumps(answers),
        json.dumps(result.results),
        result.score,
        result.passed,
    )
