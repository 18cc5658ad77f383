"""Every kind of content error is reported as `path:line: message`, all of them at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.content import ContentError, load_content
from tests.content.conftest import ContentCopy, only

QUALIFYING = "learning/basics/02-qualifying.md"
HANDOVER = "learning/basics/03-handover.md"
REFERRAL = "onboarding/referral.md"


# --- files and YAML ---------------------------------------------------------------------------


def test_invalid_yaml_in_front_matter_names_the_line(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "  max_attempts: 2", "  max_attempts: [2")
    problem = only(content.problems())
    assert problem.startswith(f"{QUALIFYING}:8: invalid YAML:")


def test_invalid_yaml_in_program(content: ContentCopy) -> None:
    content.replace("program.yml", "vendor: Testwind", "vendor: : Testwind: x")
    problem = only(content.problems())
    assert problem.startswith("program.yml:2: invalid YAML:")


def test_duplicate_yaml_key(content: ContentCopy) -> None:
    content.replace("pages/rules.md", "order: 2", "order: 2\ntitle: Again")
    assert only(content.problems()) == "pages/rules.md:5: duplicate key 'title'"


def test_missing_front_matter(content: ContentCopy) -> None:
    content.write("pages/rules.md", "# Rules\n\nNo front matter.\n")
    assert only(content.problems()) == (
        "pages/rules.md:1: missing front matter: the file must start with a line '---'"
    )


def test_unclosed_front_matter(content: ContentCopy) -> None:
    content.write("pages/rules.md", "---\ntitle: Rules\n")
    assert "pages/rules.md:1: front matter is not closed" in only(content.problems())


def test_front_matter_must_be_a_mapping(content: ContentCopy) -> None:
    content.write("pages/rules.md", "---\n- a list\n---\nBody\n")
    assert only(content.problems()) == (
        "pages/rules.md:2: front matter must be a mapping of keys to values"
    )


def test_invalid_utf8(content: ContentCopy) -> None:
    (content.root / "pages/rules.md").write_bytes(b"---\ntitle: R\xe9gles\n---\n")
    assert only(content.problems()) == "pages/rules.md:2: the file is not valid UTF-8 text"


def test_missing_program(content: ContentCopy) -> None:
    content.remove("program.yml")
    assert only(content.problems()) == (
        "program.yml:1: missing program.yml: the program definition is required"
    )


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "nope")
    assert "the content directory does not exist" in str(caught.value)


def test_unexpected_files_in_engine_folders(content: ContentCopy) -> None:
    content.write("pages/notes.txt", "hello")
    content.write("learning/basics/1-Bad Name.md", "---\ntitle: x\n---\n")
    problems = content.problems()
    assert (
        "pages/notes.txt:1: unexpected file: this folder holds pages/<id>.md files only" in problems
    )
    assert any(
        p.startswith("learning/basics/1-Bad Name.md:1: module file names look like NN-<id>.md")
        for p in problems
    )


def test_missing_path_md(content: ContentCopy) -> None:
    content.remove("learning/advanced/path.md")
    assert only(content.problems()) == (
        "learning/advanced/path.md:1: missing path.md: every folder in learning/ is a path "
        "and needs one"
    )


def test_every_problem_is_collected(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "pass_mark: 75", "pass_mrak: 75")
    content.replace("pages/guide.md", "title: Program guide\n", "")
    content.replace(REFERRAL, "kind: staff", "kind: phone")
    problems = content.problems()
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{QUALIFYING}:6",
        f"{QUALIFYING}:6",
        f"{REFERRAL}:22",
        "pages/guide.md:2",
    ]


# --- keys and values --------------------------------------------------------------------------


def test_unknown_key_names_it_and_the_allowed_keys(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "pass_mark: 75", "pass_mrak: 75")
    problems = content.problems()
    assert (
        f"{QUALIFYING}:6: unknown key 'pass_mrak' in quiz (did you mean 'pass_mark'? allowed: "
        "cooldown_hours, draw, max_attempts, pass_mark, questions, retired, shuffle)" in problems
    )
    assert f"{QUALIFYING}:6: missing required key 'pass_mark' in quiz" in problems


def test_missing_required_key(content: ContentCopy) -> None:
    content.replace("learning/advanced/path.md", "certificate: Certified Reseller\n", "")
    assert only(content.problems()) == (
        "learning/advanced/path.md:2: missing required key 'certificate' in path front matter"
    )


@pytest.mark.parametrize(
    ("value", "shown"), [("0", "0"), ("101", "101"), ("'75'", "'75'"), ("7.5", "7.5")]
)
def test_pass_mark_must_be_a_whole_percent(content: ContentCopy, value: str, shown: str) -> None:
    content.replace(QUALIFYING, "pass_mark: 75", f"pass_mark: {value}")
    problem = only(content.problems())
    assert problem.startswith(f"{QUALIFYING}:6: 'pass_mark' in quiz must be ")
    assert problem.endswith(shown)


def test_max_attempts_at_least_one(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "max_attempts: 2", "max_attempts: 0")
    assert only(content.problems()) == (
        f"{QUALIFYING}:7: 'max_attempts' in quiz must be at least 1, not 0"
    )


def test_cooldown_at_least_one_hour(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "cooldown_hours: 24", "cooldown_hours: 0")
    assert only(content.problems()) == (
        f"{QUALIFYING}:8: 'cooldown_hours' in quiz must be at least 1, not 0"
    )


def test_draw_more_than_the_pool(content: ContentCopy) -> None:
    content.replace(HANDOVER, "draw: 2", "draw: 4")
    assert (
        only(content.problems()) == f"{HANDOVER}:7: draw is 4 but the quiz has only 3 question(s)"
    )


def test_wrong_type_of_boolean(content: ContentCopy) -> None:
    content.replace(HANDOVER, "shuffle: true", "shuffle: sometimes")
    assert only(content.problems()) == (
        f"{HANDOVER}:6: 'shuffle' in quiz must be true or false, not 'sometimes'"
    )


def test_text_that_is_not_text(content: ContentCopy) -> None:
    content.replace("pages/rules.md", "title: Rules of engagement", "title: [a, b]")
    assert (
        only(content.problems())
        == "pages/rules.md:2: 'title' in page front matter must be text, not a list"
    )


def test_invalid_slug_id(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "- id: budget", "- id: Budget Signal")
    assert only(content.problems()) == (
        f"{QUALIFYING}:10: 'id' in a question must be a lower-case slug (a-z, 0-9, -), "
        "not 'Budget Signal'"
    )


def test_invalid_page_file_name(content: ContentCopy) -> None:
    content.write("pages/Read_Me.md", "---\ntitle: x\n---\n")
    assert "must be a lower-case slug id" in only(content.problems())


# --- duplicates -------------------------------------------------------------------------------


def test_duplicate_question_id(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "- id: intro", "- id: budget")
    assert only(content.problems()) == (
        f"{QUALIFYING}:35: duplicate question id 'budget' (first used on line 10)"
    )


def test_duplicate_step_id(content: ContentCopy) -> None:
    content.replace(REFERRAL, "- id: kickoff-call", "- id: download-kit")
    assert only(content.problems()) == (
        f"{REFERRAL}:21: duplicate step id 'download-kit' (first used on line 13)"
    )


def test_duplicate_module_id(content: ContentCopy) -> None:
    content.write("learning/basics/04-welcome.md", content.read("learning/basics/01-welcome.md"))
    assert only(content.problems()) == (
        "learning/basics/04-welcome.md:1: duplicate module id 'welcome' in path 'basics': "
        "01-welcome.md uses it too"
    )


def test_duplicate_module_number(content: ContentCopy) -> None:
    content.write("learning/basics/03-extra.md", "---\ntitle: Extra\n---\nA lesson.\n")
    assert only(content.problems()) == (
        f"{HANDOVER}:1: duplicate module number 03: 03-extra.md uses it too"
    )


# --- quizzes ----------------------------------------------------------------------------------


def test_choices_without_a_correct_answer(content: ContentCopy) -> None:
    content.replace(
        QUALIFYING,
        "        - text: The contact\n          correct: true\n",
        "        - text: The contact\n",
    )
    assert only(content.problems()) == (
        f"{QUALIFYING}:38: question 'intro' has no correct choice: mark one with 'correct: true'"
    )


def test_single_with_two_correct_answers(content: ContentCopy) -> None:
    content.replace(
        QUALIFYING, "        - text: Nobody\n", "        - text: Nobody\n          correct: true\n"
    )
    assert only(content.problems()) == (
        f"{QUALIFYING}:38: question 'intro' is single but has 2 correct choices; "
        "make exactly one correct or use type: multiple"
    )


def test_true_false_without_answer(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "      answer: false\n", "")
    assert only(content.problems()) == (
        f"{QUALIFYING}:30: question 'handover' is true_false and needs 'answer: true' or "
        "'answer: false'"
    )


def test_true_false_with_choices(content: ContentCopy) -> None:
    content.replace(
        QUALIFYING,
        "      answer: false\n",
        "      answer: false\n      choices:\n        - text: Yes\n",
    )
    assert only(content.problems()) == (
        f"{QUALIFYING}:34: question 'handover' is true_false: give 'answer: true' or "
        "'answer: false', not choices"
    )


def test_unknown_question_type(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "type: multiple", "type: essay")
    assert only(content.problems()) == (
        f"{QUALIFYING}:22: unknown question type 'essay' (types: single, multiple, true_false)"
    )


STAGES = "pipeline_stages: [submitted, accepted, contacted, qualified, proposal, won, lost]"


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        ("[accepted, submitted, won, lost]", "must start with submitted, accepted"),
        ("[submitted, accepted, lost, won]", "end with won, lost"),
        ("[submitted, accepted, conflict, won, lost]", "'conflict' is a status the portal sets"),
        ("[submitted, accepted, proof-of-concept-running, won, lost]", "at most 20 characters"),
    ],
)
def test_pipeline_stages_fit_the_referral_workflow(
    content: ContentCopy, stages: str, expected: str
) -> None:
    content.replace("program.yml", STAGES, f"pipeline_stages: {stages}")
    problems = content.problems()
    assert any(p.startswith("program.yml:32: ") and expected in p for p in problems), problems
