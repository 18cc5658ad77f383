"""A module's `quiz:` front matter: questions, choices and settings, validated and keyed."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from portal.content import fields as f
from portal.content.choice_ids import derived_choice_id, same_derived_id_message
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import QUESTION_TYPES, Choice, Question, Quiz
from portal.content.quiz_retired import retired_ids, reused_problems

QUIZ_REQUIRED = ("pass_mark", "questions")
QUIZ_OPTIONAL = ("max_attempts", "cooldown_hours", "shuffle", "draw", "retired")
QUESTION_REQUIRED = ("id", "type", "prompt")
QUESTION_OPTIONAL = ("explain", "choices", "answer")
DEFAULT_COOLDOWN_HOURS = 24


def build_quiz(src: Source, entry: LineDict) -> Quiz | None:
    """Validate a `quiz:` mapping and build the Quiz (None when it has problems)."""
    before = len(src.problems)
    what = "quiz"
    f.check_keys(src, entry, what, QUIZ_REQUIRED, QUIZ_OPTIONAL)
    pass_mark = f.integer(src, entry, "pass_mark", what, minimum=1, maximum=100)
    max_attempts = f.integer(src, entry, "max_attempts", what, minimum=1)
    cooldown = f.integer(
        src, entry, "cooldown_hours", what, minimum=1, default=DEFAULT_COOLDOWN_HOURS
    )
    shuffle = f.boolean(src, entry, "shuffle", what, default=False)
    draw = f.integer(src, entry, "draw", what, minimum=1)
    questions = _questions(src, entry)
    retired = retired_ids(src, entry)
    reused_problems(src, entry, retired)
    if draw is not None and "questions" in entry and draw > len(questions):
        src.report(
            entry.line_of("draw"),
            f"draw is {draw} but the quiz has only {len(questions)} question(s)",
        )
    if len(src.problems) > before or pass_mark is None:
        return None
    quiz = Quiz(
        pass_mark=pass_mark,
        questions=questions,
        version="",
        max_attempts=max_attempts,
        cooldown_hours=cooldown if cooldown is not None else DEFAULT_COOLDOWN_HOURS,
        shuffle=shuffle,
        draw=draw,
        retired=frozenset(retired),
    )
    return dataclasses.replace(quiz, version=quiz_version(quiz))


def quiz_version(quiz: Quiz) -> str:
    """A short hash of the quiz's canonical JSON (without its version); attempts pin it."""
    definition = {
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "cooldown_hours": quiz.cooldown_hours,
        "shuffle": quiz.shuffle,
        "draw": quiz.draw,
        "questions": [
            {
                "id": q.id,
                "type": q.type,
                "prompt": q.prompt,
                "explain": q.explain,
                "choices": [[c.key, c.text, c.correct, c.explain] for c in q.choices],
            }
            for q in quiz.questions
        ],
    }
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def question_version(question: Question) -> str:
    """A short hash of one question as learners see and are graded on it: an open attempt
    keeps its answers to every question whose hash is unchanged."""
    definition = [
        question.id,
        question.type,
        question.prompt,
        question.explain,
        [[c.key, c.text, c.correct, c.explain] for c in question.choices],
    ]
    canonical = json.dumps(definition, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _questions(src: Source, entry: LineDict) -> tuple[Question, ...]:
    items = f.item_list(src, entry, "questions", "quiz")
    if items is None:
        return ()
    if not items:
        src.report(entry.line_of("questions"), "a quiz needs at least one question")
    seen: dict[str, int] = {}
    result = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        question_map = f.mapping(src, item, "each question", line)
        if question_map is None:
            continue
        question = _question(src, question_map)
        if question is not None:
            f.unique(src, seen, question.id, line, "question id")
            result.append(question)
    return tuple(result)


def _question(src: Source, entry: LineDict) -> Question | None:
    what = "a question"
    f.check_keys(src, entry, what, QUESTION_REQUIRED, QUESTION_OPTIONAL)
    question_id = f.slug(src, entry, "id", what)
    kind = f.text(src, entry, "type", what)
    if kind and kind not in QUESTION_TYPES:
        src.report(
            entry.line_of("type"),
            f"unknown question type '{kind}' (types: {', '.join(QUESTION_TYPES)})",
        )
        kind = ""
    prompt = f.text(src, entry, "prompt", what)
    if "prompt" in entry and not prompt:
        src.report(entry.line_of("prompt"), "'prompt' in a question must not be empty")
    explain = f.text(src, entry, "explain", what)
    label = f"question '{question_id}'" if question_id else "this question"
    if kind == "true_false":
        choices = _true_false(src, entry, label)
    elif kind:
        choices = _choices(src, entry, kind, label)
    else:
        choices = ()
    if question_id is None or not kind:
        return None
    return Question(
        id=question_id,
        type=kind,
        prompt=prompt,
        choices=choices,
        explain=explain,
        line=entry.line_of("id"),
    )


def _true_false(src: Source, entry: LineDict, label: str) -> tuple[Choice, ...]:
    if "choices" in entry:
        src.report(
            entry.line_of("choices"),
            f"{label} is true_false: give 'answer: true' or 'answer: false', not choices",
        )
    if "answer" not in entry:
        src.report(entry.line, f"{label} is true_false and needs 'answer: true' or 'answer: false'")
        return ()
    answer = entry["answer"]
    if not isinstance(answer, bool):
        src.report(entry.line_of("answer"), f"'answer' must be true or false, not {answer!r}")
        return ()
    return (Choice("c1", "True", answer is True), Choice("c2", "False", answer is False))


def _choices(src: Source, entry: LineDict, kind: str, label: str) -> tuple[Choice, ...]:
    if "answer" in entry:
        src.report(
            entry.line_of("answer"), f"'answer' is only for true_false questions, not {kind}"
        )
    if "choices" not in entry:
        src.report(entry.line, f"{label} is {kind} and needs 'choices'")
        return ()
    items = f.item_list(src, entry, "choices", "a question")
    if items is None:
        return ()
    choices = []
    keys: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        choice_map = f.mapping(src, item, "each choice", line)
        if choice_map is None:
            continue
        f.check_keys(src, choice_map, "a choice", ("text",), ("id", "correct", "explain"))
        text = f.text(src, choice_map, "text", "a choice")
        if "text" in choice_map and not text:
            src.report(choice_map.line_of("text"), "'text' in a choice must not be empty")
        # Answers are stored by choice id, so an id must survive reordering: its `id:`, else
        # one derived from its wording (portal.content.choice_ids).
        explicit = f.slug(src, choice_map, "id", "a choice")
        key = explicit or derived_choice_id(text)
        if key in keys and explicit is None:
            src.report(line, same_derived_id_message(key, keys[key]))
        else:
            f.unique(src, keys, key, line, "choice id")
        choices.append(
            Choice(
                key=key,
                text=text,
                correct=f.boolean(src, choice_map, "correct", "a choice", default=False),
                explain=f.text(src, choice_map, "explain", "a choice"),
            )
        )
    line = entry.line_of("choices")
    correct = sum(1 for c in choices if c.correct)
    if len(items) < 2:
        src.report(line, f"{label} needs at least two choices")
    if correct == 0:
        src.report(line, f"{label} has no correct choice: mark one with 'correct: true'")
    elif kind == "single" and correct > 1:
        src.report(
            line,
            f"{label} is single but has {correct} correct choices; "
            "make exactly one correct or use type: multiple",
        )
    return tuple(choices)
