"""Request tests: paths, modules, the quiz flow and its refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from tests.learning.conftest import answers_for

QUALIFYING = "/learn/basics/qualifying"
EXPLANATIONS = [
    "A named owner with budget is the strongest signal.",
    "Someone can say yes.",
    "Interest, not need.",
    "Pricing comes after qualification.",
]


@pytest.fixture
def partner(login, partner_user):
    login(partner_user)
    return partner_user


def attempts_of(user) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
        )
    )


def db_state() -> list:
    """Everything a refused request must leave unchanged."""
    db.session.expire_all()
    attempts = db.session.execute(
        sa.select(
            QuizAttempt.id, QuizAttempt.answers, QuizAttempt.passed, QuizAttempt.submitted_at
        ).order_by(QuizAttempt.id)
    ).all()
    completions = db.session.scalar(sa.select(sa.func.count()).select_from(ModuleCompletion))
    certs = db.session.scalar(sa.select(sa.func.count()).select_from(Certification))
    return [tuple(a) for a in attempts] + [completions, certs]


def complete_welcome(client) -> None:
    assert client.post("/learn/basics/welcome/complete").status_code == 303


def start(client, module: str = "qualifying"):
    return client.post(f"/learn/basics/{module}/attempts")


def open_attempt(client, user, module: str = "qualifying") -> QuizAttempt:
    assert start(client, module).status_code == 303
    return attempts_of(user)[-1]


def submit(client, attempt: QuizAttempt, data, **kwargs):
    url = f"/learn/basics/{attempt.module_id}/attempts/{attempt.id}"
    return client.post(url, data=data, **kwargs)


def take(client, user, content, module: str = "qualifying", right: bool = True):
    attempt = open_attempt(client, user, module)
    quiz = content.paths["basics"].module(module).quiz
    return attempt, submit(client, attempt, answers_for(quiz, attempt.questions, right=right))


# --- access and the path pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, app) -> None:
    response = client.get("/learn")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_staff_cannot_open_partner_learning(login, staff_user) -> None:
    assert login(staff_user).get("/learn").status_code == 403


def test_paths_are_filtered_by_partner_type(client, partner) -> None:
    page = client.get("/learn").get_data(as_text=True)
    assert "Basics" in page and "Advanced reselling" not in page
    assert "<progress" in page
    assert client.get("/learn/advanced").status_code == 404
    assert client.get("/learn/advanced/pricing").status_code == 404
    assert client.post("/learn/advanced/pricing/attempts").status_code == 404
    assert client.get("/learn/nope").status_code == 404
    assert client.get("/learn/basics/nope").status_code == 404


def test_resellers_see_the_advanced_path(login, other_partner) -> None:
    client = login(other_partner)
    assert "Advanced reselling" in client.get("/learn").get_data(as_text=True)
    assert client.get("/learn/advanced").status_code == 200


def test_path_page_lists_modules_in_order_with_state(client, partner) -> None:
    page = client.get("/learn/basics").get_data(as_text=True)
    positions = [
        page.index(title) for title in ("Welcome", "Qualifying a referral", "Handing over")
    ]
    assert positions == sorted(positions)
    assert page.count("Locked") == 2
    assert '<progress max="3" value="0"' in page
    complete_welcome(client)
    page = client.get("/learn/basics").get_data(as_text=True)
    assert page.count("Locked") == 1
    assert '<progress max="3" value="1"' in page
    assert "Passed" in page


def test_module_is_locked_until_the_previous_one_is_passed(client, partner) -> None:
    page = client.get(QUALIFYING).get_data(as_text=True)
    assert "Not available yet" in page and "Welcome" in page
    assert "Start the quiz" not in page
    before = db_state()
    response = start(client)
    assert response.status_code == 303
    assert db_state() == before
    assert "Finish “Welcome” first" in client.get(QUALIFYING).get_data(as_text=True)
    assert client.post("/learn/basics/handover/complete").status_code == 303
    assert db_state() == before


def test_module_without_quiz_is_marked_complete(client, partner) -> None:
    page = client.get("/learn/basics/welcome").get_data(as_text=True)
    assert "Mark as complete" in page and "This module has no quiz" in page
    complete_welcome(client)
    assert "Mark as complete" not in client.get("/learn/basics/welcome").get_data(as_text=True)
    assert "Start the quiz" in client.get(QUALIFYING).get_data(as_text=True)
    assert client.post("/learn/basics/qualifying/complete").status_code == 303


# --- the quiz flow ---------------------------------------------------------------------------


def test_start_shows_the_questions_but_never_the_answers(client, partner) -> None:
    complete_welcome(client)
    response = start(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{QUALIFYING}#quiz")
    page = client.get(QUALIFYING).get_data(as_text=True)
    assert page.count("<fieldset") == 4 and page.count("<legend>") == 4
    assert 'type="radio" name="q-budget" value="a-named-budget-owner"' in page
    assert 'type="checkbox" name="q-signals" value="a-budget"' in page
    assert 'name="q-handover" value="c1"> True' in page
    quiz_html = page[page.index('id="quiz"') :]
    assert "correct" not in quiz_html.lower()
    for text in EXPLANATIONS:
        assert text not in page
    # Starting again resumes the same attempt.
    start(client)
    assert len(attempts_of(partner)) == 1


def test_submit_a_pass(client, partner, content) -> None:
    complete_welcome(client)
    _, response = take(client, partner, content, right=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You scored <strong>100%</strong>" in page and "Passed" in page
    assert "Someone can say yes." in page and "Pricing comes after qualification." in page
    assert "Next: Handing over" in page
    (attempt,) = attempts_of(partner)
    assert attempt.passed is True and attempt.score == 100
    assert "Passed" in client.get(QUALIFYING).get_data(as_text=True)


def test_submit_a_fail(client, partner, content) -> None:
    complete_welcome(client)
    _, response = take(client, partner, content, right=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You scored <strong>0%</strong>" in page and "Not passed" in page
    assert "(your answer)" in page and "(correct answer)" not in page  # see test_result_review
    assert "Interest, not need." in page  # the chosen wrong choice's explanation
    assert "Try again" in page and "Attempts left: 1 of 2" in page
    assert (
        db.session.scalar(
            sa.select(ModuleCompletion).where(ModuleCompletion.module_id == "qualifying")
        )
        is None
    )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda data: data.pop("q-signals"), "Please answer question 2."),
        (lambda data: data.update({"q-budget": ["c9"]}), "not one of its choices"),
        (lambda data: data.update({"q-secret": ["c1"]}), "do not match this attempt"),
        (
            lambda data: data.update({"q-budget": ["a-named-budget-owner", "a-downloaded-e-book"]}),
            "exactly one answer",
        ),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    client, partner, content, mutate, message
) -> None:
    complete_welcome(client)
    attempt = open_attempt(client, partner)
    data = answers_for(content.paths["basics"].module("qualifying").quiz, attempt.questions)
    mutate(data)
    before = db_state()
    response = submit(client, attempt, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert db_state() == before
    # The form comes back with the learner's choices kept, and still no answers given away.
    assert 'name="q-handover" value="c2" checked' in page
    for text in EXPLANATIONS:
        assert text not in page


def test_double_submission_is_refused(client, partner, content) -> None:
    complete_welcome(client)
    attempt, _ = take(client, partner, content, right=False)
    before = db_state()
    quiz = content.paths["basics"].module("qualifying").quiz
    response = submit(client, attempt, answers_for(quiz, attempt.questions, right=True))
    assert response.status_code == 409
    assert "already graded" in response.get_data(as_text=True)
    assert db_state() == before


def test_someone_elses_attempt_is_not_found(client, partner, login, partner_admin, content) -> None:
    complete_welcome(client)
    attempt = open_attempt(client, partner)
    other = login(partner_admin)
    before = db_state()
    quiz = content.paths["basics"].module("qualifying").quiz
    assert submit(other, attempt, answers_for(quiz, attempt.questions)).status_code == 404
    assert db_state() == before


def test_max_attempts_and_the_cooldown_message(client, partner, content) -> None:
    complete_welcome(client)
    take(client, partner, content, right=False)
    _, response = take(client, partner, content, right=False)
    page = response.get_data(as_text=True)
    assert "You have used all 2 attempts" in page
    first = attempts_of(partner)[0]
    opens = (first.submitted_at + timedelta(hours=24)).strftime("%d %b %Y, %H:%M UTC")
    assert "The next attempt opens on <time" in page and opens in page
    page = client.get(QUALIFYING).get_data(as_text=True)
    assert opens in page and "Start the quiz" not in page and "Try again" not in page
    before = db_state()
    response = start(client)
    assert response.status_code == 303
    assert db_state() == before
    assert "The next attempt opens on" in client.get(QUALIFYING).get_data(as_text=True)


def test_htmx_submit_swaps_only_the_quiz_block(client, partner, content) -> None:
    complete_welcome(client)
    attempt = open_attempt(client, partner)
    page = client.get(QUALIFYING).get_data(as_text=True)
    assert 'hx-post="/learn/basics/qualifying/attempts/' in page and 'hx-target="#quiz"' in page
    quiz = content.paths["basics"].module("qualifying").quiz
    headers = {"HX-Request": "true"}
    bad = submit(client, attempt, {}, headers=headers)
    assert bad.status_code == 200  # htmx swaps 2xx only; the message is in the block
    assert "Please answer question 1." in bad.get_data(as_text=True)
    response = submit(client, attempt, answers_for(quiz, attempt.questions), headers=headers)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="quiz"')
    assert "<html" not in html and "You scored" in html


def test_completing_the_path_issues_a_certificate(client, partner, content) -> None:
    complete_welcome(client)
    take(client, partner, content, "qualifying")
    _, response = take(client, partner, content, "handover")
    assert "You completed Basics." in response.get_data(as_text=True)
    cert = db.session.scalar(sa.select(Certification).where(Certification.user_id == partner.id))
    assert cert is not None and cert.path_id == "basics"
    page = client.get("/learn/basics").get_data(as_text=True)
    assert "Certified" in page and '<progress max="3" value="3"' in page
    listing = client.get("/certificates").get_data(as_text=True)
    assert "Certified Basics Partner" in listing and "Valid" in listing
    printable = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert cert.code in printable
    assert f"http://portal.test/verify/{cert.code}" in printable
    assert "Pat Lee" in printable and "Acme Referrals" in printable


def test_an_edit_of_other_quiz_settings_keeps_the_open_attempt(client, partner, content) -> None:
    complete_welcome(client)
    attempt = open_attempt(client, partner)
    quiz = content.paths["basics"].module("qualifying").quiz
    attempt.quiz_version = "an-older-version"  # its questions are as they were
    db.session.commit()
    response = submit(client, attempt, answers_for(quiz, attempt.questions))
    assert response.status_code == 200
    db.session.expire_all()
    assert attempt.passed is True and attempt.quiz_version == quiz.version


def test_a_changed_question_is_named_and_the_other_answers_stay_ticked(
    client, partner, content
) -> None:
    complete_welcome(client)
    attempt = open_attempt(client, partner)
    quiz = content.paths["basics"].module("qualifying").quiz
    plan = [dict(item) for item in attempt.questions]
    plan[1]["v"] = "the-wording-before-an-edit"
    attempt.questions = plan
    db.session.commit()
    answers = answers_for(quiz, plan)
    before = db_state()
    response = submit(client, attempt, answers)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (
        "Question 2 was changed since you opened the quiz. Read it again and answer it; "
        "your other answers are kept."
    ) in page
    assert db_state() == before  # the attempt is still open; no answer was lost or recorded
    first, changed = plan[0]["id"], plan[1]["id"]
    assert f'name="q-{first}" value="{answers["q-" + first][0]}" checked' in page
    assert f'name="q-{changed}" value="{answers["q-" + changed][0]}" checked' not in page
    # The form now carries the question's current version: answered again, it is graded.
    current = page.split(f'name="qv-{changed}" value="', 1)[1].split('"', 1)[0]
    response = submit(client, attempt, {**answers, f"qv-{changed}": current})
    assert response.status_code == 200
    db.session.expire_all()
    assert attempt.passed is True
