"""Ids that past answers rely on: explicit choice ids, retired ids never reused, and a module
always has a lesson."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import ContentCopy, only

QUIZ = "learning/basics/02-qualifying.md"


def test_an_explicit_choice_id_keys_the_choice_wherever_it_moves(content: ContentCopy) -> None:
    content.replace(
        QUIZ,
        "        - text: A named budget owner\n",
        "        - id: owner\n          text: A named budget owner\n",
    )
    quiz = load_content(content.root).paths["basics"].modules[1].quiz
    assert quiz is not None
    budget = quiz.question("budget")
    assert budget is not None
    assert [c.key for c in budget.choices] == [
        "owner",
        "a-downloaded-e-book",
        "a-conference-badge-scan",
    ]
    assert budget.correct_keys == frozenset({"owner"})


def test_two_choices_with_one_id_are_refused(content: ContentCopy) -> None:
    content.replace(
        QUIZ,
        "        - text: A downloaded e-book\n",
        "        - id: a-named-budget-owner\n          text: A downloaded e-book\n",
    )
    assert (
        only(content.problems())
        == f"{QUIZ}:18: duplicate choice id 'a-named-budget-owner' (first used on line 15)"
    )


def test_a_retired_question_id_cannot_come_back(content: ContentCopy) -> None:
    content.replace(
        QUIZ, "  questions:\n", "  retired:\n    - budget\n    - signals/c3\n  questions:\n"
    )
    content.replace(
        QUIZ,
        "        - text: A favourite colour\n",
        "        - id: c3\n          text: A favourite colour\n",
    )
    assert content.problems() == [
        f"{QUIZ}:13: question id 'budget' was retired (retired: list, line 10): past answers "
        "use it, so give this question a new id",
        f"{QUIZ}:32: choice id 'signals/c3' was retired (retired: list, line 11): past answers "
        "use it, so give this choice a new id",
    ]


def test_a_retired_entry_must_name_a_question_or_a_choice(content: ContentCopy) -> None:
    content.replace(QUIZ, "  questions:\n", "  retired:\n    - Budget Question\n  questions:\n")
    assert only(content.problems()) == (
        f"{QUIZ}:10: retired id 'Budget Question' must be a question id or "
        "<question id>/<choice id> (lower-case slugs)"
    )


def test_retiring_an_id_nobody_uses_loads(content: ContentCopy) -> None:
    content.replace(
        QUIZ, "  questions:\n", "  retired:\n    - old-budget\n    - budget/c9\n  questions:\n"
    )
    assert load_content(content.root).paths["basics"].modules[1].quiz is not None


def test_a_module_with_an_empty_body_is_reported(content: ContentCopy) -> None:
    content.write(
        "learning/basics/03-handover.md", "---\ntitle: Handover\nsummary: Passing it on.\n---\n\n"
    )
    assert only(content.problems()) == (
        "learning/basics/03-handover.md:5: module 'handover' has an empty body: write the "
        "lesson below the front matter (learners see only its title otherwise)"
    )
