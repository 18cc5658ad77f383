"""What a graded attempt shows: a fail never gives the answers away, a pass shows everything.

The `qualifying` fixture quiz: `budget` (single; question explanation, the correct choice's
explanation "Someone can say yes.", a wrong choice's "Interest, not need."), `signals`
(multiple), `handover` (true/false, the answer is False; question explanation) and `intro`
(single). Its pass mark is 75%.
"""

from __future__ import annotations

import re

import pytest

from portal.learning.grading import grade
from portal.learning.review import review
from tests.learning.conftest import answers_for

QUALIFYING = "/learn/basics/qualifying"
BUDGET_EXPLAIN = "A named owner with budget is the strongest signal."
BUDGET_CORRECT_EXPLAIN = "Someone can say yes."
BUDGET_WRONG_EXPLAIN = "Interest, not need."
HANDOVER_EXPLAIN = "Pricing comes after qualification."
# Markers a page could use to single out the correct choices.
CORRECT_MARKERS = ("correct answer", "choice-correct", "result-correct-choice")


@pytest.fixture
def quiz(content):
    return content.paths["basics"].module("qualifying").quiz


@pytest.fixture
def partner(login, partner_user):
    client = login(partner_user)
    assert client.post("/learn/basics/welcome/complete").status_code == 303
    return client


def attempt_and_submit(client, quiz, answers: dict[str, list[str]]) -> str:
    """Start an attempt, answer it (`answers` overrides the all-right answers), return the page."""
    assert client.post(f"{QUALIFYING}/attempts").status_code == 303
    page = client.get(QUALIFYING).get_data(as_text=True)
    action = re.search(r'action="(/learn/basics/qualifying/attempts/\d+)"', page)
    assert action, "no open attempt on the page"
    plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions]
    data = {**answers_for(quiz, plan, right=True), **answers}
    response = client.post(action.group(1), data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def result_html(page: str) -> str:
    """The graded part of the quiz block (after the score, before the next-step buttons)."""
    start = page.index("You scored")
    return page[start : page.index("</ol>", start)]


def assert_no_correct_marker(html: str) -> None:
    lowered = html.lower()
    for marker in CORRECT_MARKERS:
        assert marker not in lowered, marker


def test_a_failed_attempt_never_shows_the_correct_answers(partner, quiz) -> None:
    # budget wrong (the e-book), signals right, handover right, intro wrong: 50%, a fail.
    page = attempt_and_submit(
        partner, quiz, {"q-budget": ["a-downloaded-e-book"], "q-intro": ["nobody"]}
    )
    html = result_html(page)
    assert "Not passed" in html and "50%" in html
    assert_no_correct_marker(page)
    # Right or wrong per question, and the learner's own choices.
    assert html.count("badge-ok") == 2 and html.count(">Right<") == 2
    assert html.count(">Wrong<") == 2
    assert html.count("(your answer)") == 5  # budget, two signals, handover, intro
    # The explanation attached to the choice the learner picked is shown ...
    assert BUDGET_WRONG_EXPLAIN in html
    # ... but not the one of the correct choice they did not pick, nor the explanation of a
    # question they got wrong (it names the answer).
    assert BUDGET_CORRECT_EXPLAIN not in page
    assert BUDGET_EXPLAIN not in page
    # A question answered right shows its explanation.
    assert HANDOVER_EXPLAIN in html
    assert "Try again" in page


def test_a_failed_attempt_with_every_answer_wrong_shows_no_answer_key(partner, quiz) -> None:
    plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions]
    page = attempt_and_submit(partner, quiz, answers_for(quiz, plan, right=False))
    assert "Not passed" in page and ">Right<" not in page
    assert_no_correct_marker(page)
    for text in (BUDGET_EXPLAIN, BUDGET_CORRECT_EXPLAIN, HANDOVER_EXPLAIN):
        assert text not in page
    assert BUDGET_WRONG_EXPLAIN in page  # the e-book was picked


def test_htmx_failed_result_shows_no_answer_key(partner, quiz) -> None:
    assert partner.post(f"{QUALIFYING}/attempts").status_code == 303
    page = partner.get(QUALIFYING).get_data(as_text=True)
    action = re.search(r'action="(/learn/basics/qualifying/attempts/\d+)"', page).group(1)
    plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions]
    data = answers_for(quiz, plan, right=False)
    block = partner.post(action, data=data, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Not passed" in block
    assert_no_correct_marker(block)
    assert BUDGET_CORRECT_EXPLAIN not in block and BUDGET_EXPLAIN not in block


def test_a_passed_attempt_shows_every_answer_and_explanation(partner, quiz) -> None:
    # intro wrong: 75%, still a pass, so the correct answer to intro is shown too.
    page = attempt_and_submit(partner, quiz, {"q-intro": ["nobody"]})
    html = result_html(page)
    assert "Passed" in html and "75%" in html
    assert html.count("(correct answer)") == 5  # budget, two signals, handover, intro
    intro = html[html.index("Who should agree to be introduced?") :]
    assert re.search(r"The contact\s*<strong>\(correct answer\)</strong>", intro)
    for text in (BUDGET_EXPLAIN, BUDGET_CORRECT_EXPLAIN, BUDGET_WRONG_EXPLAIN, HANDOVER_EXPLAIN):
        assert text in html


def test_review_hides_correct_flags_and_explanations_after_a_fail(quiz) -> None:
    plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions]
    wrong = answers_for(quiz, plan, right=False)
    answers = {key[2:]: value for key, value in wrong.items()}
    answers["handover"] = ["c2"]  # the one right answer
    result = grade(quiz, plan, answers)
    assert not result.passed
    reviewed = {q.id: q for q in review(result)}
    assert all(c.correct is None for q in reviewed.values() for c in q.choices)
    assert reviewed["budget"].explain == "" and not reviewed["budget"].right
    assert reviewed["handover"].explain == HANDOVER_EXPLAIN and reviewed["handover"].right
    budget = {c.text: c for c in reviewed["budget"].choices}
    assert budget["A downloaded e-book"].picked
    assert budget["A downloaded e-book"].explain == BUDGET_WRONG_EXPLAIN
    assert budget["A named budget owner"].explain == ""


def test_review_shows_everything_after_a_pass(quiz) -> None:
    plan = [{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions]
    right = {key[2:]: value for key, value in answers_for(quiz, plan).items()}
    reviewed = {q.id: q for q in review(grade(quiz, plan, right))}
    budget = {c.text: c for c in reviewed["budget"].choices}
    assert budget["A named budget owner"].correct is True
    assert budget["A downloaded e-book"].correct is False
    assert budget["A downloaded e-book"].explain == BUDGET_WRONG_EXPLAIN
    assert reviewed["budget"].explain == BUDGET_EXPLAIN
