"""`flask content check` warns (never fails) when content edits leave learners' attempts and
certificates naming ids the content no longer has; certificates of a removed path verify."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.content_cli import content_cli
from portal.extensions import db
from portal.learning.api import learner_history
from portal.learning.models import QuizAttempt
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy

QUIZ = "learning/basics/02-qualifying.md"


def _attempt(user, path_id: str, module_id: str, answers: dict[str, list[str]]) -> None:
    db.session.add(
        QuizAttempt(
            user_id=user.id,
            organization_id=user.organization_id,
            path_id=path_id,
            module_id=module_id,
            content_version="v1",
            quiz_version="q1",
            questions=[{"id": q, "choices": keys} for q, keys in answers.items()],
            answers=answers,
        )
    )
    db.session.commit()


@pytest.fixture
def copy(tmp_path: Path) -> ContentCopy:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return ContentCopy(root)


@pytest.fixture
def history(partner_user, make_certification) -> None:
    """Attempts at basics/qualifying and advanced/pricing, and a certificate of advanced."""
    _attempt(
        partner_user,
        "basics",
        "qualifying",
        {"budget": ["a-named-budget-owner"], "signals": ["a-deadline", "a-favourite-colour"]},
    )
    _attempt(partner_user, "basics", "handover", {"timing": ["before-asking"]})
    _attempt(partner_user, "advanced", "pricing", {"discount": ["c1"]})
    make_certification(partner_user, path_id="advanced")


def test_learner_history_reads_attempts_certificates_and_answers(history) -> None:
    found = learner_history()
    assert found.attempts[("basics", "qualifying")] == 1
    assert found.certificates == {"advanced": 1}
    assert found.answers[("basics", "qualifying", "signals")] == {
        "a-deadline",
        "a-favourite-colour",
    }


def test_content_matching_the_history_checks_without_warnings(runner, history, copy) -> None:
    result = runner.invoke(content_cli, ["check", str(copy.root)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_removed_and_reworded_content_is_warned_about_but_passes(runner, history, copy) -> None:
    shutil.rmtree(copy.root / "learning" / "advanced")
    copy.remove("learning/basics/03-handover.md")
    copy.replace(QUIZ, "        - text: A favourite colour\n", "        - text: A favorite color\n")
    result = runner.invoke(content_cli, ["check", str(copy.root)])
    assert result.exit_code == 0, result.output
    assert (
        "learning/advanced/path.md:1: warning: learning path 'advanced' was removed, but "
        "learners made 1 quiz attempt(s) and hold 1 certificate(s) from it (certificates stay "
        "valid and verifiable): to retire it, add 'advanced' to paths: in learning/retired.yml "
        "so its id is never used again, or restore the path"
    ) in result.output
    assert (
        "learning/basics/path.md:1: warning: module 'basics/handover' was removed, but "
        "learners made 1 quiz attempt(s) at it (their history stays readable): to retire it, "
        "add 'basics/handover' to modules: in learning/retired.yml so its id is never used "
        "again, or restore the module"
    ) in result.output
    assert (
        f"{QUIZ}:21: warning: choice 'signals/a-favourite-colour' was answered in past "
        "attempts, but no choice of question 'signals' has that id now (a choice without "
        "'id:' is named by its wording, so rewording renames it): if you reworded it, give it "
        "'id: a-favourite-colour'; if you removed it, add 'signals/a-favourite-colour' to the "
        "quiz's retired: list"
    ) in result.output
    assert "3 warning(s)" in result.output


def test_retiring_or_keeping_the_ids_silences_the_warnings(runner, history, copy) -> None:
    shutil.rmtree(copy.root / "learning" / "advanced")
    copy.remove("learning/basics/03-handover.md")
    copy.write("learning/retired.yml", "paths: [advanced]\nmodules: [basics/handover]\n")
    copy.replace(
        QUIZ,
        "        - text: A favourite colour\n",
        "        - id: a-favourite-colour\n          text: A favorite color\n",
    )
    result = runner.invoke(content_cli, ["check", str(copy.root)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_a_removed_question_that_was_answered_is_warned_about(runner, history, copy) -> None:
    text = copy.read(QUIZ)
    start, end = text.index("    - id: signals\n"), text.index("    - id: handover\n")
    copy.write(QUIZ, text[:start] + text[end:])
    result = runner.invoke(content_cli, ["check", str(copy.root)])
    assert result.exit_code == 0, result.output
    assert (
        f"{QUIZ}:1: warning: question 'signals' was removed, but past attempts answered it: "
        "add 'signals' to the quiz's retired: list so its id is never used again"
    ) in result.output


def test_errors_still_fail_the_check(runner, history, copy) -> None:
    copy.replace(QUIZ, "pass_mark: 75", "pass_mark: 175")
    result = runner.invoke(content_cli, ["check", str(copy.root)])
    assert result.exit_code == 1


def test_a_certificate_of_a_removed_path_still_verifies(
    client, login, partner_user, make_certification
) -> None:
    cert = make_certification(partner_user, path_id="retired-path")
    page = client.get(f"/verify/{cert.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Valid" in text and "Certified Basics Partner" in text
    badge = client.get(f"/verify/{cert.code}/badge.svg")
    assert badge.status_code == 200
    mine = login(partner_user)
    assert mine.get(f"/certificates/{cert.id}").status_code == 200
    assert "Certified Basics Partner" in mine.get("/certificates").get_data(as_text=True)
