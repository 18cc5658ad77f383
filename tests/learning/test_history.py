"""Past attempts as they were taken: the learner's page and the staff page of an organisation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.learning.history import attempts_by_content_version
from portal.learning.models import QuizAttempt
from tests.learning.conftest import answers_for


def _take(client, user, content, right: bool) -> QuizAttempt:
    client.post("/learn/basics/welcome/complete")
    assert client.post("/learn/basics/qualifying/attempts").status_code == 303
    attempt = db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
    ).all()[-1]
    quiz = content.paths["basics"].module("qualifying").quiz
    url = f"/learn/basics/qualifying/attempts/{attempt.id}"
    assert (
        client.post(url, data=answers_for(quiz, attempt.questions, right=right)).status_code == 200
    )
    db.session.expire_all()
    return attempt


@pytest.fixture
def content(app):
    from portal.content_runtime import current_content

    with app.app_context():
        return current_content()


def test_a_learner_sees_each_attempt_as_it_was_graded(login, partner_user, content) -> None:
    client = login(partner_user)
    attempt = _take(client, partner_user, content, right=False)
    # The content may change later: the page shows the snapshot, not today's wording.
    snapshot = [dict(q) for q in attempt.snapshot]
    budget = next(q for q in snapshot if q["id"] == "budget")
    budget["prompt"] = "The wording of the day it was taken"
    attempt.snapshot = snapshot
    db.session.commit()
    page = client.get("/quiz-history").get_data(as_text=True)
    assert "Basics: Qualifying a referral" in page or "Qualifying a referral" in page
    assert "The wording of the day it was taken" in page
    assert "Which signal best shows a real buying need?" not in page
    assert "0%" in page and "Not passed" in page
    assert "A downloaded e-book <strong>(your answer)</strong>" in page
    assert "A named budget owner" in page and "(correct)" in page


def test_a_learner_sees_only_their_own_attempts(
    login, partner_user, partner_admin, content
) -> None:
    _take(login(partner_user), partner_user, content, right=True)
    page = login(partner_admin).get("/quiz-history").get_data(as_text=True)
    assert "No graded quiz attempts yet." in page


def test_staff_see_an_organisations_attempts_counted_by_content_version(
    login, partner_user, staff_user, content
) -> None:
    attempt = _take(login(partner_user), partner_user, content, right=True)
    page = login(staff_user).get(f"/staff/orgs/{partner_user.organization_id}/quiz-attempts")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert partner_user.display_name in text
    assert f"Version {attempt.content_version}</dt><dd>1 attempt</dd>" in text
    assert attempts_by_content_version(partner_user.organization_id) == [
        (attempt.content_version, 1)
    ]


def test_an_unknown_organisation_is_not_found(login, staff_user) -> None:
    assert login(staff_user).get("/staff/orgs/999999/quiz-attempts").status_code == 404


def test_names_on_the_staff_page_are_escaped(login, make_user, make_org, staff_user, content):
    from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

    payload = XSS_PAYLOADS[0]
    org = make_org(name=f"Org {payload}"[:200])
    learner = make_user(org=org, name=payload[:100])
    _take(login(learner), learner, content, right=True)
    page = login(staff_user).get(f"/staff/orgs/{org.id}/quiz-attempts").get_data(as_text=True)
    assert find_injections(page) == []
    assert raw_payloads_in(page, (payload,)) == []
