"""Organisation scoping: certificate and attempt lookups go through `scoped_to_org`, and a
record of another organisation is "not found" even when its user id matches."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts import access
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning import certificate_views, views
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from tests.learning.conftest import answers_for


@pytest.fixture
def scoping_calls(monkeypatch) -> list:
    """Record each (org column, user id) passed to `scoped_to_org` by the learning views."""
    calls: list = []

    def recording(stmt, org_column, user):
        calls.append((org_column, user.id))
        return access.scoped_to_org(stmt, org_column, user)

    monkeypatch.setattr(views, "scoped_to_org", recording)
    monkeypatch.setattr(certificate_views, "scoped_to_org", recording)
    return calls


def open_attempt(user, organization_id: int | None, content) -> QuizAttempt:
    quiz = content.paths["basics"].module("qualifying").quiz
    attempt = QuizAttempt(
        user_id=user.id,
        organization_id=organization_id,
        path_id="basics",
        module_id="qualifying",
        content_version=content.version,
        quiz_version=quiz.version,
        questions=[{"id": q.id, "choices": [c.key for c in q.choices]} for q in quiz.questions],
        started_at=utcnow(),
    )
    db.session.add_all(
        [
            attempt,
            ModuleCompletion(
                user_id=user.id, path_id="basics", module_id="welcome", completed_at=utcnow()
            ),
        ]
    )
    db.session.commit()
    return attempt


def submit(client, attempt: QuizAttempt, content):
    quiz = content.paths["basics"].module("qualifying").quiz
    url = f"/learn/basics/qualifying/attempts/{attempt.id}"
    return client.post(url, data=answers_for(quiz, attempt.questions))


def test_certificate_lookup_is_scoped(
    login, partner_user, staff_user, scoping_calls, make_certification
) -> None:
    cert = make_certification(partner_user)
    assert login(partner_user).get(f"/certificates/{cert.id}").status_code == 200
    assert scoping_calls == [(Certification.organization_id, partner_user.id)]
    assert login(staff_user).get(f"/certificates/{cert.id}").status_code == 200
    assert scoping_calls[-1] == (Certification.organization_id, staff_user.id)


def test_a_certificate_recorded_in_another_organisation_is_not_found(
    login, partner_user, other_org, staff_user, make_certification
) -> None:
    cert = make_certification(partner_user, organization_id=other_org.id)
    assert login(partner_user).get(f"/certificates/{cert.id}").status_code == 404
    assert login(staff_user).get(f"/certificates/{cert.id}").status_code == 200


def test_a_colleagues_certificate_is_not_found(
    login, partner_user, partner_admin, make_certification
) -> None:
    cert = make_certification(partner_user)
    assert login(partner_admin).get(f"/certificates/{cert.id}").status_code == 404


def test_attempt_lookup_is_scoped(login, partner_user, content, scoping_calls) -> None:
    attempt = open_attempt(partner_user, partner_user.organization_id, content)
    assert submit(login(partner_user), attempt, content).status_code == 200
    assert (QuizAttempt.organization_id, partner_user.id) in scoping_calls


def test_an_attempt_recorded_in_another_organisation_is_not_found(
    login, partner_user, other_org, content
) -> None:
    attempt = open_attempt(partner_user, other_org.id, content)
    assert submit(login(partner_user), attempt, content).status_code == 404
    db.session.expire_all()
    assert attempt.submitted_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleCompletion)) == 1


def test_a_colleagues_attempt_is_not_found(login, partner_user, partner_admin, content) -> None:
    attempt = open_attempt(partner_user, partner_user.organization_id, content)
    assert submit(login(partner_admin), attempt, content).status_code == 404
    db.session.expire_all()
    assert attempt.submitted_at is None
