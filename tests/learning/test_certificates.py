"""Certifications: issuing, status, the renewal cycle, revocation, organisation queries."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.audit.models import AuditEntry
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
    certification_status,
    certifications_for_org,
    certifications_for_user,
    issue_certification_if_complete,
    org_has_valid_certification,
    revoke,
)
from portal.learning.models import Certification
from portal.learning.progress import (
    IN_PROGRESS,
    NOT_STARTED,
    PASSED,
    next_module_for,
    path_progress,
    paths_progress,
)
from portal.signals import certification_issued
from tests.learning.conftest import answers_for


def pass_quiz(user, path, module_id, now, right=True):
    module = path.module(module_id)
    attempt = start_attempt(user, path, module, "v1", now, random.Random(4))
    form = MultiDict(answers_for(module.quiz, attempt.questions, right=right))
    submission = submit_attempt(attempt, path, module, form, now)
    db.session.commit()
    return submission


def complete_basics(user, basics, now):
    """Pass the modules of `basics` not yet passed in the current cycle (each only once)."""
    progress = path_progress(user, basics, now, with_attempts=False)
    passed = {m.module.id for m in progress.modules if m.passed}
    if "welcome" not in passed:
        complete_module(user, basics, basics.module("welcome"), now)
    if "qualifying" not in passed:
        pass_quiz(user, basics, "qualifying", now + timedelta(minutes=1))
    pass_quiz(user, basics, "handover", now + timedelta(minutes=2))
    db.session.commit()
    return db.session.scalar(
        sa.select(Certification)
        .where(Certification.user_id == user.id)
        .order_by(Certification.issued_at.desc())
    )


def test_completing_every_module_issues_a_certification(partner_user, basics) -> None:
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    now = utcnow()
    with certification_issued.connected_to(receiver):
        cert = complete_basics(partner_user, basics, now)
    assert cert is not None
    assert cert.certificate_name == "Certified Basics Partner"
    assert cert.organization_id == partner_user.organization_id
    assert cert.issued_at == now + timedelta(minutes=2)
    assert cert.expires_at == cert.issued_at + timedelta(days=365)
    assert re.fullmatch(r"[A-Za-z0-9_-]{12,32}", cert.code)
    assert received == [
        {"organization_id": partner_user.organization_id, "user": partner_user, "path_id": "basics"}
    ]
    assert certification_status(cert, now) == "valid"
    progress = path_progress(partner_user, basics)
    assert progress.certified and progress.complete and not progress.due_for_renewal


def test_no_certification_until_every_module_is_passed(partner_user, basics) -> None:
    now = utcnow()
    complete_module(partner_user, basics, basics.module("welcome"), now)
    pass_quiz(partner_user, basics, "qualifying", now)
    pass_quiz(partner_user, basics, "handover", now, right=False)
    assert certifications_for_user(partner_user.id) == []
    assert issue_certification_if_complete(partner_user, basics, now) is None


def test_verification_codes_are_unique(make_user, partner_org, basics) -> None:
    now = utcnow()
    codes = {complete_basics(make_user(org=partner_org), basics, now).code for _ in range(3)}
    assert len(codes) == 3


def test_no_second_certification_while_one_is_valid(partner_user, basics) -> None:
    now = utcnow()
    complete_basics(partner_user, basics, now)
    with pytest.raises(ModuleAlreadyPassed):  # no retakes while certified
        pass_quiz(partner_user, basics, "handover", now + timedelta(hours=1))
    assert issue_certification_if_complete(partner_user, basics, now + timedelta(hours=2)) is None
    assert len(certifications_for_user(partner_user.id)) == 1


def test_status_valid_expired_revoked(partner_user, basics, staff_user) -> None:
    now = utcnow()
    cert = complete_basics(partner_user, basics, now)
    assert certification_status(cert, cert.expires_at - timedelta(seconds=1)) == "valid"
    assert certification_status(cert, cert.expires_at) == "expired"
    revoke(cert, staff_user, "Shared answers", now=now + timedelta(hours=1))
    assert certification_status(cert, now + timedelta(hours=2)) == "revoked"
    assert certification_status(cert, cert.expires_at) == "revoked"


def test_expiry_starts_a_renewal_cycle(partner_user, basics) -> None:
    start = utcnow() - timedelta(days=400)
    first = complete_basics(partner_user, basics, start)
    assert first.expires_at < utcnow()

    progress = path_progress(partner_user, basics)
    assert progress.due_for_renewal and not progress.certified
    assert progress.certification_status == "expired"
    assert [m.state for m in progress.modules] == [NOT_STARTED] * 3
    assert progress.next_module.id == "welcome"
    assert [m.available for m in progress.modules] == [True, False, False]

    now = utcnow()
    complete_module(partner_user, basics, basics.module("welcome"), now)
    pass_quiz(partner_user, basics, "qualifying", now, right=False)
    progress = path_progress(partner_user, basics)
    assert [m.state for m in progress.modules] == [PASSED, IN_PROGRESS, NOT_STARTED]

    renewed = complete_basics(partner_user, basics, now + timedelta(minutes=10))
    assert renewed.id != first.id
    assert path_progress(partner_user, basics).certified
    assert org_has_valid_certification(partner_user.organization_id, "basics")


def test_revocation_means_passing_again(partner_user, basics, staff_user) -> None:
    now = utcnow() - timedelta(days=1)
    cert = complete_basics(partner_user, basics, now)
    revoke(cert, staff_user, "Issued in error")
    db.session.commit()
    progress = path_progress(partner_user, basics)
    assert progress.due_for_renewal and progress.certification_status == "revoked"
    assert progress.passed_count == 0
    assert not org_has_valid_certification(partner_user.organization_id, "basics")


def test_revoke_records_an_audit_entry(partner_user, basics, staff_user) -> None:
    cert = complete_basics(partner_user, basics, utcnow())
    revoke(cert, staff_user, "  Shared answers  ")
    db.session.commit()
    assert cert.revoked_reason == "Shared answers"
    assert cert.revoked_by_id == staff_user.id
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "certification.revoke")
    )
    assert entry.actor_id == staff_user.id
    assert entry.target_id == str(cert.id)
    assert entry.organization_id == partner_user.organization_id
    assert entry.before == {"status": "valid"}
    assert entry.after["status"] == "revoked" and entry.after["reason"] == "Shared answers"


@pytest.mark.parametrize(
    ("reason", "message"), [("   ", "Give a reason"), ("x" * 501, "under 500")]
)
def test_revoke_needs_a_short_reason(partner_user, basics, staff_user, reason, message) -> None:
    cert = complete_basics(partner_user, basics, utcnow())
    with pytest.raises(CertificationError, match=message):
        revoke(cert, staff_user, reason)
    assert cert.revoked_at is None


def test_revoking_twice_is_refused(partner_user, basics, staff_user) -> None:
    cert = complete_basics(partner_user, basics, utcnow())
    revoke(cert, staff_user, "Once")
    with pytest.raises(CertificationError, match="already revoked"):
        revoke(cert, staff_user, "Twice")


def test_org_queries(partner_user, partner_admin, other_partner, basics) -> None:
    assert not org_has_valid_certification(partner_user.organization_id, "basics")
    old = complete_basics(partner_admin, basics, utcnow() - timedelta(days=500))
    assert not org_has_valid_certification(partner_user.organization_id, "basics")
    new = complete_basics(partner_user, basics, utcnow())
    assert org_has_valid_certification(partner_user.organization_id, "basics")
    assert not org_has_valid_certification(partner_user.organization_id, "advanced")
    assert not org_has_valid_certification(other_partner.organization_id, "basics")
    assert certifications_for_org(partner_user.organization_id) == [new, old]
    assert certifications_for_org(other_partner.organization_id) == []


def test_paths_progress_and_next_module(partner_user, other_partner, content, basics) -> None:
    assert next_module_for(partner_user, content) == (basics, basics.module("welcome"))
    complete_module(partner_user, basics, basics.module("welcome"), utcnow())
    db.session.commit()
    assert next_module_for(partner_user, content) == (basics, basics.module("qualifying"))
    (overview,) = paths_progress(partner_user, content.paths_for("referral"))
    assert (overview.path.id, overview.passed_count, overview.total) == ("basics", 1, 3)
    assert overview.percent == 33

    complete_basics(partner_user, basics, utcnow())
    assert next_module_for(partner_user, content) is None  # referral partners only see basics
    # A reseller sees both paths; none started, so the first in content order comes first.
    upcoming = next_module_for(other_partner, content)
    assert upcoming is not None and upcoming[1].position == 1


def test_a_submission_carries_the_progress_after_it(partner_user, basics) -> None:
    now = utcnow()
    complete_module(partner_user, basics, basics.module("welcome"), now)
    failed = pass_quiz(partner_user, basics, "qualifying", now, right=False)
    assert failed.certification is None
    assert failed.progress.module("qualifying").state == IN_PROGRESS
    passed = pass_quiz(partner_user, basics, "qualifying", now + timedelta(minutes=1))
    assert passed.progress.module("qualifying").passed
    assert passed.progress.next_module.id == "handover"
    last = pass_quiz(partner_user, basics, "handover", now + timedelta(minutes=2))
    assert last.certification is not None and last.progress.certified
    fresh = path_progress(partner_user, basics, now + timedelta(minutes=3))
    assert [m.state for m in fresh.modules] == [m.state for m in last.progress.modules]
    assert fresh.certification == last.certification


def test_next_module_can_reuse_known_progress(partner_user, content, basics, count_queries):
    progress = paths_progress(partner_user, content.paths_for("referral"))
    with count_queries() as counter:
        upcoming = next_module_for(partner_user, content, progress=progress)
    assert upcoming == (basics, basics.module("welcome")) and counter.count == 0
