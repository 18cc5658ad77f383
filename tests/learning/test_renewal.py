"""The renewal cycle without dead ends: passed modules are not retaken, a complete path can
always get its certificate, and an expired certificate is renewed by passing the path again."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.content_runtime import EXTENSION_KEY
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.attempts import (
    ModuleAlreadyPassed,
    complete_module,
    start_attempt,
    submit_attempt,
)
from portal.learning.certificates import (
    CertificationError,
    claim_certification,
    revoke,
)
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.learning.progress import NOT_STARTED, path_progress
from tests.learning.conftest import answers_for

CLAIM = "/learn/basics/certificate"
CLAIM_BUTTON = f'action="{CLAIM}"'


@pytest.fixture
def partner(login, partner_user):
    return login(partner_user)


def count(model, **where) -> int:
    stmt = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)


def certs_of(user) -> list[Certification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Certification)
            .where(Certification.user_id == user.id)
            .order_by(Certification.issued_at, Certification.id)
        )
    )


def take(client, content, module_id: str, right: bool = True):
    """Start and submit the module's quiz through the pages; the submission's response."""
    assert client.post(f"/learn/basics/{module_id}/attempts").status_code == 303
    attempt = db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.module_id == module_id, QuizAttempt.submitted_at.is_(None)
        )
    )
    assert attempt is not None, f"no open attempt at {module_id}"
    quiz = content.paths["basics"].module(module_id).quiz
    url = f"/learn/basics/{module_id}/attempts/{attempt.id}"
    return client.post(url, data=answers_for(quiz, attempt.questions, right=right))


def complete_path(client, content):
    assert client.post("/learn/basics/welcome/complete").status_code == 303
    assert take(client, content, "qualifying").status_code == 200
    response = take(client, content, "handover")
    assert "You completed Basics." in response.get_data(as_text=True)


def age_everything(days: int) -> None:
    """Move every learning record `days` into the past, as if it all happened then."""
    shift = timedelta(days=days)
    for cert in db.session.scalars(sa.select(Certification)):
        cert.issued_at -= shift
        cert.expires_at -= shift
    for completion in db.session.scalars(sa.select(ModuleCompletion)):
        completion.completed_at -= shift
    for attempt in db.session.scalars(sa.select(QuizAttempt)):
        attempt.started_at -= shift
        attempt.submitted_at = attempt.submitted_at and attempt.submitted_at - shift
    db.session.commit()


# --- a module passed in this cycle is not taken again ----------------------------------------


def test_starting_a_passed_module_is_refused_with_a_message(partner, partner_user, content):
    assert partner.post("/learn/basics/welcome/complete").status_code == 303
    assert take(partner, content, "qualifying").status_code == 200
    attempts_before = count(QuizAttempt)
    response = partner.post("/learn/basics/qualifying/attempts")
    assert response.status_code == 303
    assert count(QuizAttempt) == attempts_before
    page = partner.get("/learn/basics/qualifying").get_data(as_text=True)
    assert "You have already passed “Qualifying a referral”." in page
    assert "Start the quiz" not in page and "Try again" not in page


def test_completing_a_passed_module_again_is_refused_with_a_message(partner, partner_user):
    assert partner.post("/learn/basics/welcome/complete").status_code == 303
    response = partner.post("/learn/basics/welcome/complete")
    assert response.status_code == 303
    assert count(ModuleCompletion, module_id="welcome") == 1
    page = partner.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already passed “Welcome”." in page


def test_the_rules_refuse_passed_modules(partner_user, basics) -> None:
    now = utcnow()
    complete_module(partner_user, basics, basics.module("welcome"), now)
    db.session.commit()
    with pytest.raises(ModuleAlreadyPassed, match="already passed “Welcome”"):
        complete_module(partner_user, basics, basics.module("welcome"), now)
    qualifying = basics.module("qualifying")
    attempt = start_attempt(partner_user, basics, qualifying, "v1", now, random.Random(1))
    form = MultiDict(answers_for(qualifying.quiz, attempt.questions))
    submit_attempt(attempt, basics, qualifying, form, now)
    db.session.commit()
    with pytest.raises(ModuleAlreadyPassed, match="already passed “Qualifying a referral”"):
        start_attempt(partner_user, basics, qualifying, "v1", now + timedelta(minutes=1))
    assert count(QuizAttempt) == 1 and count(ModuleCompletion) == 2


def test_no_module_is_retaken_while_the_certificate_is_valid(partner, partner_user, content):
    complete_path(partner, content)
    basics = content.paths["basics"]
    for module_id in ("qualifying", "handover"):
        with pytest.raises(ModuleAlreadyPassed, match="due for renewal"):
            start_attempt(partner_user, basics, basics.module(module_id), "v1", utcnow())
    assert partner.post("/learn/basics/handover/attempts").status_code == 303
    assert count(QuizAttempt, module_id="handover") == 1
    assert count(ModuleCompletion) == 3


# --- a complete path always gets its certificate ---------------------------------------------


def test_complete_path_without_a_valid_certificate_offers_one(
    partner, partner_user, make_certification
) -> None:
    """The dead end: every module passed in this cycle, certificate expired, nothing to click."""
    cert = make_certification(partner_user, age=timedelta(days=400))
    for module_id in ("welcome", "qualifying", "handover"):  # passed again after it was issued
        db.session.add(
            ModuleCompletion(
                user_id=partner_user.id,
                path_id="basics",
                module_id=module_id,
                completed_at=cert.issued_at + timedelta(days=30),
            )
        )
    db.session.commit()
    page = partner.get("/learn/basics").get_data(as_text=True)
    assert '<progress max="3" value="3"' in page
    assert CLAIM_BUTTON in page and "Get your certificate" in page
    assert "Get your certificate" in partner.get("/learn").get_data(as_text=True)

    response = partner.post(CLAIM)
    assert response.status_code == 303
    old, new = certs_of(partner_user)
    assert old.id == cert.id and new.expires_at > utcnow()
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    page = partner.get("/learn/basics").get_data(as_text=True)
    assert "Certified" in page and CLAIM_BUTTON not in page
    assert "Valid" in partner.get(f"/verify/{new.code}").get_data(as_text=True)


def test_removed_content_completes_the_path(app, partner, partner_user, content, monkeypatch):
    """The only module left to pass is removed from the content: the path is complete."""
    assert partner.post("/learn/basics/welcome/complete").status_code == 303
    assert take(partner, content, "qualifying").status_code == 200
    basics = content.paths["basics"]
    shorter = dataclasses.replace(basics, modules=basics.modules[:2])
    edited = dataclasses.replace(content, paths={**content.paths, "basics": shorter})
    monkeypatch.setattr(app.extensions[EXTENSION_KEY], "_index", edited)

    page = partner.get("/learn/basics").get_data(as_text=True)
    assert '<progress max="2" value="2"' in page and CLAIM_BUTTON in page
    assert certs_of(partner_user) == []
    assert partner.post(CLAIM).status_code == 303
    (cert,) = certs_of(partner_user)
    assert cert.path_id == "basics" and cert.certificate_name == "Certified Basics Partner"


def test_claiming_needs_a_complete_path(partner, partner_user) -> None:
    response = partner.post(CLAIM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/learn/basics")
    page = partner.get("/learn/basics").get_data(as_text=True)
    assert "Pass every module of Basics first." in page
    assert CLAIM_BUTTON not in page
    assert certs_of(partner_user) == []


def test_claiming_twice_issues_one_certificate(partner, partner_user, content) -> None:
    complete_path(partner, content)
    assert CLAIM_BUTTON not in partner.get("/learn/basics").get_data(as_text=True)
    response = partner.post(CLAIM)
    assert response.status_code == 303
    assert "You already hold a valid" in partner.get("/learn/basics").get_data(as_text=True)
    assert len(certs_of(partner_user)) == 1


def test_claim_certification_rules(partner_user, basics) -> None:
    now = utcnow()
    with pytest.raises(CertificationError, match="Pass every module"):
        claim_certification(partner_user, basics, now)
    for module_id in ("welcome", "qualifying", "handover"):
        db.session.add(
            ModuleCompletion(
                user_id=partner_user.id, path_id="basics", module_id=module_id, completed_at=now
            )
        )
    cert = claim_certification(partner_user, basics, now)
    db.session.commit()
    assert cert.issued_at == now and cert.expires_at == now + timedelta(days=365)
    with pytest.raises(CertificationError, match="already hold"):
        claim_certification(partner_user, basics, now)


def test_claiming_another_partner_types_path_is_not_found(login, partner_user) -> None:
    assert login(partner_user).post("/learn/advanced/certificate").status_code == 404


# --- renewal after expiry, end to end --------------------------------------------------------


def test_renewal_after_expiry_end_to_end(partner, partner_user, content) -> None:
    complete_path(partner, content)
    age_everything(days=400)
    (first,) = certs_of(partner_user)
    assert first.expires_at < utcnow()

    # The expired certificate starts a new cycle: nothing counts as passed.
    page = partner.get("/learn/basics").get_data(as_text=True)
    assert "Due for renewal" in page and "expired on" in page
    assert '<progress max="3" value="0"' in page and CLAIM_BUTTON not in page
    assert page.count("Not started") == 3 and page.count("Locked") == 2
    progress = path_progress(partner_user, content.paths["basics"])
    assert [m.state for m in progress.modules] == [NOT_STARTED] * 3
    assert "Mark as complete" in partner.get("/learn/basics/welcome").get_data(as_text=True)

    # Retake everything, failing once on the way.
    assert partner.post("/learn/basics/welcome/complete").status_code == 303
    failed = take(partner, content, "qualifying", right=False).get_data(as_text=True)
    assert "Not passed" in failed and "Attempts left: 1 of 2" in failed
    assert take(partner, content, "qualifying").status_code == 200
    response = take(partner, content, "handover")
    assert "You completed Basics." in response.get_data(as_text=True)

    old, new = certs_of(partner_user)
    assert old.id == first.id and new.issued_at > old.expires_at
    assert new.expires_at > utcnow() + timedelta(days=364)
    page = partner.get("/learn/basics").get_data(as_text=True)
    assert "Certified" in page and "Due for renewal" not in page
    assert f"/certificates/{new.id}" in page and '<progress max="3" value="3"' in page
    listing = partner.get("/certificates").get_data(as_text=True)
    assert "Expired" in listing and "Valid" in listing
    assert "Expired" in partner.get(f"/verify/{old.code}").get_data(as_text=True)
    verified = partner.get(f"/verify/{new.code}").get_data(as_text=True)
    assert re.search(r'class="verify-valid">Valid', verified)


def test_a_revoked_certificate_is_not_claimed_back(
    login, partner_user, staff_user, make_certification
) -> None:
    """Passes made while the certificate was held do not count after it is revoked."""
    cert = make_certification(
        partner_user, age=timedelta(days=30)
    )  # issued 30 days ago, still valid
    for module_id in ("welcome", "qualifying", "handover"):
        db.session.add(
            ModuleCompletion(
                user_id=partner_user.id,
                path_id="basics",
                module_id=module_id,
                completed_at=cert.issued_at + timedelta(days=1),
            )
        )
    revoke(cert, staff_user, "Shared answers")
    db.session.commit()
    client = login(partner_user)
    page = client.get("/learn/basics").get_data(as_text=True)
    assert "Due for renewal" in page and "was revoked on" in page
    assert '<progress max="3" value="0"' in page and CLAIM_BUTTON not in page
    assert client.post(CLAIM).status_code == 303
    assert certs_of(partner_user) == [cert]
