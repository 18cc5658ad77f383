"""Choice ids derived from wording, and the retired record of learning paths and modules."""

from __future__ import annotations

import pytest

from portal.content import load_content
from portal.content.choice_ids import derived_choice_id
from tests.content.conftest import ContentCopy, only

QUIZ = "learning/basics/02-qualifying.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A named budget owner", "a-named-budget-owner"),
        ("A NAMED budget-owner!", "a-named-budget-owner"),  # case and punctuation keep the id
        ("Ça va, très bien", "ca-va-tres-bien"),
        ("word " * 20, "word-word-word-word-word-word-word-word-word"),  # cut at a word
    ],
)
def test_a_choice_without_id_is_named_by_its_wording(text: str, expected: str) -> None:
    assert derived_choice_id(text) == expected


def test_wording_without_latin_letters_gets_a_stable_hash_id() -> None:
    assert derived_choice_id("日本") == derived_choice_id("日本")
    assert derived_choice_id("日本").startswith("choice-")
    assert derived_choice_id("日本") != derived_choice_id("中国")


def test_reordering_choices_keeps_every_id(content: ContentCopy) -> None:
    before = load_content(content.root).paths["basics"].modules[1].quiz
    content.replace(
        QUIZ,
        "        - text: A downloaded e-book\n          explain: Interest, not need.\n"
        "        - text: A conference badge scan\n",
        "        - text: A conference badge scan\n"
        "        - text: A downloaded e-book\n          explain: Interest, not need.\n",
    )
    after = load_content(content.root).paths["basics"].modules[1].quiz
    assert before is not None and after is not None
    old, new = before.question("budget"), after.question("budget")
    assert old is not None and new is not None
    assert {c.key: c.text for c in old.choices} == {c.key: c.text for c in new.choices}
    assert [c.key for c in new.choices] == [
        "a-named-budget-owner",
        "a-conference-badge-scan",
        "a-downloaded-e-book",
    ]


def test_two_wordings_with_one_id_are_refused(content: ContentCopy) -> None:
    content.replace(QUIZ, "        - text: A favourite colour\n", "        - text: a deadline!\n")
    assert only(content.problems()) == (
        f"{QUIZ}:29: this choice's text gives the same id 'a-deadline' as the choice on line "
        "25: give one of them an 'id:'"
    )


def test_a_retired_derived_id_cannot_come_back(content: ContentCopy) -> None:
    content.replace(
        QUIZ, "  questions:\n", "  retired:\n    - signals/a-favourite-colour\n  questions:\n"
    )
    assert only(content.problems()) == (
        f"{QUIZ}:31: choice id 'signals/a-favourite-colour' was retired (retired: list, line 10): "
        "past answers use it, so give this choice a new id"
    )


def test_retired_paths_and_modules_are_read_and_never_reused(content: ContentCopy) -> None:
    content.write("learning/retired.yml", "paths:\n  - old-path\nmodules:\n  - basics/old\n")
    retired = load_content(content.root).retired_learning
    assert dict(retired.paths) == {"old-path": 2}
    assert dict(retired.modules) == {"basics/old": 4}
    content.write("learning/retired.yml", "paths:\n  - advanced\nmodules:\n  - basics/handover\n")
    assert content.problems() == [
        "learning/advanced/path.md:1: learning path id 'advanced' was retired "
        "(learning/retired.yml, line 2): past attempts and certificates use it, so give this "
        "path a new id",
        "learning/basics/03-handover.md:1: module id 'basics/handover' was retired "
        "(learning/retired.yml, line 4): past attempts use it, so give this module a new id",
    ]


def test_a_malformed_retired_entry_is_reported(content: ContentCopy) -> None:
    content.write("learning/retired.yml", "modules:\n  - handover\npath: [x]\n")
    assert content.problems() == [
        "learning/retired.yml:2: retired modules entry 'handover' must be "
        "<path id>/<module id> (lower-case slugs)",
        "learning/retired.yml:3: unknown key 'path' in learning/retired.yml "
        "(did you mean 'paths'? allowed: modules, paths)",
    ]
