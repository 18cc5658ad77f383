"""Warnings about learners' history: content edits that leave past attempts and certificates
pointing at ids the content no longer has.

The content engine has no database, so the caller (`flask content check`, in an app context)
passes what learners did as a LearnerHistory. Nothing here fails the check: attempts keep a
snapshot of what they showed and certificates carry their own name, so history stays readable
and certificates stay verifiable. The warnings say how to make the removal deliberate
(learning/retired.yml, a quiz's `retired:` list, or an explicit choice `id:`) so the ids are
never reused for something else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.content.learning_retired import RETIRED_FILE, RetiredLearning
from portal.content.model import ContentIndex, ContentProblem, Module


@dataclass(frozen=True)
class LearnerHistory:
    """What learners did with the learning content, as the database records it."""

    attempts: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (path, module)
    certificates: Mapping[str, int] = field(default_factory=dict)  # path id -> issued
    # (path, module, question) -> the choice ids past attempts answered with
    answers: Mapping[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)


def history_warnings(index: ContentIndex, history: LearnerHistory) -> list[ContentProblem]:
    """A warning for every path, module, question or choice learners used that is gone."""
    retired = index.retired_learning or RetiredLearning()
    warnings = _removed_paths(index, history, retired)
    for (path_id, module_id), count in sorted(history.attempts.items()):
        path = index.paths.get(path_id)
        if path is None or f"{path_id}/{module_id}" in retired.modules:
            continue
        if path.module(module_id) is None:
            warnings.append(
                ContentProblem(
                    path.source,
                    1,
                    f"module '{path_id}/{module_id}' was removed, but learners made {count} "
                    f"quiz attempt(s) at it (their history stays readable): to retire it, add "
                    f"'{path_id}/{module_id}' to modules: in {RETIRED_FILE} so its id is never "
                    "used again, or restore the module",
                )
            )
    answered: dict[tuple[str, str], dict[str, frozenset[str]]] = {}
    for (path_id, module_id, question_id), keys in history.answers.items():
        answered.setdefault((path_id, module_id), {})[question_id] = keys
    for (path_id, module_id), questions in sorted(answered.items()):
        path = index.paths.get(path_id)
        module = path.module(module_id) if path is not None else None
        if module is not None and module.quiz is not None:
            warnings.extend(_quiz_warnings(module, questions))
    return warnings


def _removed_paths(
    index: ContentIndex, history: LearnerHistory, retired: RetiredLearning
) -> list[ContentProblem]:
    attempts: dict[str, int] = {}
    for (path_id, _module_id), count in history.attempts.items():
        attempts[path_id] = attempts.get(path_id, 0) + count
    warnings = []
    for path_id in sorted(set(attempts) | set(history.certificates)):
        if path_id in index.paths or path_id in retired.paths:
            continue
        warnings.append(
            ContentProblem(
                f"learning/{path_id}/path.md",
                1,
                f"learning path '{path_id}' was removed, but learners made "
                f"{attempts.get(path_id, 0)} quiz attempt(s) and hold "
                f"{history.certificates.get(path_id, 0)} certificate(s) from it (certificates "
                f"stay valid and verifiable): to retire it, add '{path_id}' to paths: in "
                f"{RETIRED_FILE} so its id is never used again, or restore the path",
            )
        )
    return warnings


def _quiz_warnings(module: Module, answered: Mapping[str, frozenset[str]]) -> list[ContentProblem]:
    quiz = module.quiz
    assert quiz is not None
    warnings = []
    for question_id, keys in sorted(answered.items()):
        question = quiz.question(question_id)
        if question is None:
            if question_id not in quiz.retired:
                warnings.append(
                    ContentProblem(
                        module.source,
                        1,
                        f"question '{question_id}' was removed, but past attempts answered it: "
                        f"add '{question_id}' to the quiz's retired: list so its id is never "
                        "used again",
                    )
                )
            continue
        present = {c.key for c in question.choices}
        for key in sorted(keys - present):
            if f"{question_id}/{key}" in quiz.retired:
                continue
            warnings.append(
                ContentProblem(
                    module.source,
                    question.line or 1,
                    f"choice '{question_id}/{key}' was answered in past attempts, but no choice "
                    f"of question '{question_id}' has that id now (a choice without 'id:' is "
                    f"named by its wording, so rewording renames it): if you reworded it, give "
                    f"it 'id: {key}'; if you removed it, add '{question_id}/{key}' to the "
                    "quiz's retired: list",
                )
            )
    return warnings
