"""A quiz's `retired:` list: question and choice ids that once existed and may never return.

Past attempts store answers by id. An id reused for a different question or choice would
change what those answers mean, so when a question or choice is removed its id goes in the
quiz's `retired:` list (`owner-check` for a question, `owner-check/intern` for a choice of
one), and the check refuses any question or choice that uses a retired id.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.choice_ids import derived_choice_id
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList


def retired_ids(src: Source, entry: LineDict) -> dict[str, int]:
    """The quiz's retired ids (`question` or `question/choice`) with their lines."""
    result: dict[str, int] = {}
    items = f.text_list(src, entry, "retired", "quiz")
    if not items:
        return result
    listed = entry["retired"]
    for item in items:
        line = listed.line_of_value(item) if isinstance(listed, LineList) else entry.line
        parts = item.split("/")
        if len(parts) > 2 or not all(f.is_slug(part) for part in parts):
            src.report(
                line,
                f"retired id {item!r} must be a question id or <question id>/<choice id> "
                "(lower-case slugs)",
            )
            continue
        result[item] = line
    return result


def reused_problems(src: Source, entry: LineDict, retired: dict[str, int]) -> None:
    """Report every question or choice that uses an id in `retired`."""
    questions = entry.get("questions")
    if not retired or not isinstance(questions, LineList):
        return
    for question in questions:
        if not isinstance(question, LineDict):
            continue
        question_id = question.get("id")
        if isinstance(question_id, str) and question_id in retired:
            src.report(question.line_of("id"), _message("question", question_id, retired))
        choices = question.get("choices")
        if not isinstance(question_id, str) or not isinstance(choices, LineList):
            continue
        for choice in choices:
            if not isinstance(choice, LineDict):
                continue
            explicit, text = choice.get("id"), choice.get("text")
            if isinstance(explicit, str):
                key, line = f"{question_id}/{explicit}", choice.line_of("id")
            elif isinstance(text, str) and text.strip():
                key, line = f"{question_id}/{derived_choice_id(text.strip())}", choice.line
            else:
                continue
            if key in retired:
                src.report(line, _message("choice", key, retired))


def _message(what: str, key: str, retired: dict[str, int]) -> str:
    return (
        f"{what} id '{key}' was retired (retired: list, line {retired[key]}): past answers "
        f"use it, so give this {what} a new id"
    )
