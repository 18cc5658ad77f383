"""Compliance documents: the file check, versions, the partner team's review, what is on file
on a given day, the expiry reminders (each once), the onboarding step and the tier criterion.

The fixture program keeps a tax form (every type, never expires) and an insurance certificate
(resellers and alliances, 365 days, reminded 30 days ahead).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Organization, Role, User
from portal.audit.models import AuditEntry
from portal.compliance.document_reminders import send_document_reminders
from portal.compliance.document_review import (
    ReviewRefused,
    approve_document,
    reject_document,
)
from portal.compliance.documents import (
    UploadRefused,
    check_document_file,
    document_states,
    org_documents_current,
    orgs_documents_current,
    upload_document,
)
from portal.compliance.models import ComplianceDocument
from portal.content.model import Step
from portal.content_runtime import EXTENSION_KEY, current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import current_uploads, read_upload
from portal.notify.models import OutboxMessage
from tests.conftest import new_org, new_user

PDF = b"%PDF-1.7\n%demo\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _upload(admin: User, type_id: str, data: bytes = PDF, name: str = "doc.pdf"):
    program = current_content().program
    kind = program.compliance.document(type_id)
    assert kind is not None and admin.organization is not None
    checked = check_document_file(data, name, 1 << 20)
    return upload_document(admin, admin.organization, kind, checked, current_uploads())


def _reseller(name: str = "Filers") -> tuple[Organization, User, User]:
    org = new_org(name=name, partner_type="reseller", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org, email=f"admin@{name.lower()}.example")
    staff = new_user(Role.STAFF, None)
    return org, admin, staff


def test_the_file_is_typed_by_its_content_within_the_limit() -> None:
    assert check_document_file(PDF, "W-9 (signed).PDF", 100).media_type == "application/pdf"
    assert check_document_file(PNG, "scan", 100).file_name == "scan.png"
    assert check_document_file(b"\xff\xd8\xff\xe0JFIF", "x.exe", 100).file_name == "x.jpg"
    refusals = {
        b"": "empty",
        b"MZ\x90\x00 an executable named .pdf": "types: PDF, PNG, JPEG",
        b"<!doctype html><script>alert(1)</script>": "types: PDF, PNG, JPEG",
        PDF + b"x" * 200: "larger than",
    }
    for data, words in refusals.items():
        with pytest.raises(UploadRefused, match=words):
            check_document_file(data, "evil.pdf", 100)


def test_only_a_partner_admin_uploads_and_only_what_the_type_keeps(app: Flask) -> None:
    org, admin, _staff = _reseller()
    user = new_user(Role.PARTNER_USER, org)
    with pytest.raises(UploadRefused, match="partner admin"):
        _upload(user, "tax-form")
    referral = new_org(name="Referrer", partner_type="referral")
    referral_admin = new_user(Role.PARTNER_ADMIN, referral)
    with pytest.raises(UploadRefused, match="does not need"):
        _upload(referral_admin, "insurance")
    document = _upload(admin, "insurance", name="../../etc/passwd.pdf")
    assert (document.version, document.status, document.file_name) == (1, "waiting", "passwd.pdf")
    assert read_upload(document.storage_key) == PDF
    assert "/" not in document.storage_key and document.storage_key.endswith(".pdf")
    audit = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "compliance.document_uploaded")
    )
    assert audit is not None and audit.after["version"] == 1


def test_states_missing_waiting_current_expiring_expired(app: Flask) -> None:
    org, admin, staff = _reseller()
    program = current_content().program
    today = utcnow().date()

    def states(on: date) -> dict[str, str]:
        return {s.document_type.id: s.label for s in document_states(org, program.compliance, on)}

    assert states(today) == {"tax-form": "Missing", "insurance": "Missing"}
    tax = _upload(admin, "tax-form")
    insurance = _upload(admin, "insurance")
    assert states(today) == {"tax-form": "Waiting for review", "insurance": "Waiting for review"}
    approve_document(staff, tax.id, date(2000, 1, 1), program)  # never expires: date ignored
    expires = today + timedelta(days=100)
    approve_document(staff, insurance.id, expires, program)
    assert tax.expires_on is None
    assert states(today) == {
        "tax-form": "Current",
        "insurance": f"Current until {expires:%-d %b %Y}",
    }
    assert states(expires - timedelta(days=29))["insurance"] == f"Expires {expires:%-d %b %Y}"
    assert states(expires)["insurance"].startswith("Expires")  # its last day still counts
    assert states(expires + timedelta(days=1))["insurance"] == f"Expired {expires:%-d %b %Y}"
    assert org_documents_current(org, program.compliance, expires)
    assert not org_documents_current(org, program.compliance, expires + timedelta(days=1))
    referral = new_org(name="Nothing on file", partner_type="referral")
    assert orgs_documents_current(
        [(org.id, "reseller"), (referral.id, "referral")], program.compliance, today
    ) == frozenset({org.id})


def test_review_is_audited_emailed_and_decided_once(app: Flask) -> None:
    org, admin, staff = _reseller("Reviewed")
    program = current_content().program
    first = _upload(admin, "insurance")
    second = _upload(admin, "insurance")  # replaces the one still waiting
    db.session.refresh(first)
    assert (first.status, second.version) == ("replaced", 2)
    with pytest.raises(ReviewRefused, match="already reviewed or replaced"):
        approve_document(staff, first.id, utcnow().date() + timedelta(days=30), program)
    for wrong in (None, utcnow().date(), utcnow().date() + timedelta(days=4000)):
        with pytest.raises(ReviewRefused):
            approve_document(staff, second.id, wrong, program)
    with pytest.raises(ReviewRefused, match="Say why"):
        reject_document(staff, second.id, "   ", program)
    reject_document(staff, second.id, "The <b>policy</b> number is unreadable.", program)
    with pytest.raises(ReviewRefused):
        reject_document(staff, second.id, "Again", program)
    state = {s.document_type.id: s for s in document_states(org, program.compliance)}
    assert state["insurance"].label == "Rejected"
    assert state["insurance"].rejected is not None
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.actor_id == staff.id)
    ).all()
    assert actions == ["compliance.document_rejected"]
    [message] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "compliance_document_decision")
    ).all()
    assert message.to_email == admin.email
    assert "The <b>policy</b> number is unreadable." in message.body_text
    assert "&lt;b&gt;policy" in (message.body_html or "")


def test_reminders_go_before_expiry_and_after_once_per_version(app: Flask) -> None:
    org, admin, staff = _reseller("Expiring")
    new_user(Role.PARTNER_USER, org, email="user@expiring.example")  # admins only
    program = current_content().program
    today = utcnow().date()
    expires = today + timedelta(days=60)
    approve_document(staff, _upload(admin, "insurance").id, expires, program)
    approve_document(staff, _upload(admin, "tax-form").id, None, program)  # never reminded

    assert send_document_reminders(program, expires - timedelta(days=31)) == 0
    assert send_document_reminders(program, expires - timedelta(days=30)) == 1
    assert send_document_reminders(program, expires - timedelta(days=10)) == 0  # once
    assert send_document_reminders(program, expires) == 0  # the last day is still current
    assert send_document_reminders(program, expires + timedelta(days=1)) == 1
    assert send_document_reminders(program, expires + timedelta(days=40)) == 0  # once
    subjects = db.session.scalars(
        sa.select(OutboxMessage.subject)
        .where(OutboxMessage.kind == "compliance_document_reminder")
        .order_by(OutboxMessage.id)
    ).all()
    day = expires.strftime("%d %B %Y")
    assert subjects == [
        f"Expiring: your Insurance certificate expires on {day}",
        f"Expiring: your Insurance certificate expired on {day}",
    ]


def test_a_renewal_waiting_or_approved_stops_the_old_versions_reminders(app: Flask) -> None:
    _org, admin, staff = _reseller("Renewing")
    program = current_content().program
    expires = utcnow().date() + timedelta(days=10)
    approve_document(staff, _upload(admin, "insurance").id, expires, program)
    _upload(admin, "insurance")  # the renewal waits for review
    assert send_document_reminders(program) == 0


def test_the_cli_sends_document_reminders_and_commits(app: Flask, runner) -> None:
    _org, admin, staff = _reseller("Cron")
    expires = utcnow().date() + timedelta(days=5)
    approve_document(staff, _upload(admin, "insurance").id, expires, current_content().program)
    db.session.commit()
    reminders = sa.select(sa.func.count()).where(
        OutboxMessage.kind == "compliance_document_reminder"
    )
    for _run in range(2):  # the rerun queues nothing more
        result = runner.invoke(args=["compliance", "remind"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(reminders) == 1
    assert "Queued 0 e-mails." in result.output


@pytest.fixture
def documents_step(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reseller checklist is one required step: file the compliance documents."""
    index = current_content()
    step = Step(id="file-documents", kind="compliance_documents", title="File your documents")
    checklist = dataclasses.replace(index.checklists["reseller"], steps=(step,))
    store = app.extensions[EXTENSION_KEY]
    monkeypatch.setattr(
        store,
        "_index",
        dataclasses.replace(index, checklists={**index.checklists, "reseller": checklist}),
    )


def test_the_onboarding_step_completes_when_the_last_document_is_approved(
    documents_step, login
) -> None:
    org = new_org(name="Newcomer", partner_type="reseller", status="onboarding")
    admin = new_user(Role.PARTNER_ADMIN, org)
    staff = new_user(Role.STAFF, None)
    program = current_content().program
    page = login(admin).get("/onboarding").get_data(as_text=True)
    assert "Completes when the partner team has approved every document" in page
    assert 'href="/compliance"' in page
    approve_document(staff, _upload(admin, "tax-form").id, None, program)
    db.session.refresh(org)
    assert org.status == "onboarding"
    approve_document(
        staff, _upload(admin, "insurance").id, utcnow().date() + timedelta(days=365), program
    )
    db.session.commit()
    db.session.refresh(org)
    assert org.status == "active" and org.activated_at is not None
    page = login(admin).get("/onboarding").get_data(as_text=True)
    assert "Your compliance documents are approved and current." in page


def test_the_tier_criterion_is_met_while_the_documents_are_current(app: Flask) -> None:
    from portal.content.model import Criterion
    from portal.tiers.compute import compute_standing
    from portal.tiers.gather import gather_facts

    org, admin, staff = _reseller("Tiered")
    base = current_content().program
    criterion = Criterion(kind="compliance_current", label="Documents current")
    silver = dataclasses.replace(base.tiers[1], criteria=(criterion,))
    program = dataclasses.replace(
        base, tiers=(dataclasses.replace(base.tiers[0], criteria=()), silver)
    )
    now = utcnow()

    def met(at) -> bool:
        standing = compute_standing(program, gather_facts([org], program, at)[org.id], at)
        judged = standing.tier_standing(silver.id)
        assert judged is not None
        return judged.results[0].met

    assert not met(now)
    approve_document(staff, _upload(admin, "tax-form").id, None, program)
    expires = now.date() + timedelta(days=30)
    approve_document(staff, _upload(admin, "insurance").id, expires, program)
    assert met(now)
    assert not met(now + timedelta(days=31))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplianceDocument)) == 2
