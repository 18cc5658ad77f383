"""Compliance documents in the browser's terms: a partner admin uploads, the partner team
approves, the organisation page shows it current; hostile files and names are refused with a
message, files download as attachments that nothing renders."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.compliance.models import ComplianceDocument
from portal.db_types import utcnow
from portal.extensions import db
from tests.conftest import new_org, new_user

LIMIT = 4096
PDF = b"%PDF-1.7\n%scan\n"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "COMPLIANCE_DOCUMENT_MAX_BYTES": LIMIT}


def _post(client, document_type: str, data: bytes, name: str = "form.pdf"):
    return client.post(
        "/compliance/documents",
        data={"document_type": document_type, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_review_and_the_organisation_page(login, client) -> None:
    org = new_org(name="Harbor <Systems>", partner_type="reseller", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org)
    user = new_user(Role.PARTNER_USER, org)
    staff = new_user(Role.STAFF, None)

    page = login(user).get("/compliance").get_data(as_text=True)
    assert "Tax form" in page and "Insurance certificate" in page and "Missing" in page
    assert "Only a partner admin of your organisation can upload" in page
    assert 'href="/compliance"' in client.get("/agreement").get_data(as_text=True)

    login(admin)
    response = _post(client, "insurance", PDF, "certificate <2027>.pdf")
    assert response.status_code == 302
    page = client.get("/compliance").get_data(as_text=True)
    assert "Waiting for review" in page and "certificate &lt;2027&gt;.pdf" in page
    document = db.session.scalars(sa.select(ComplianceDocument)).one()

    login(staff)
    queue = client.get("/staff/compliance/documents").get_data(as_text=True)
    assert "Harbor &lt;Systems&gt;" in queue and "Insurance certificate" in queue
    csv = client.get("/staff/compliance/documents.csv").get_data(as_text=True)
    assert "Harbor <Systems>" in csv and "Insurance certificate" in csv
    review = client.get(f"/staff/compliance/documents/{document.id}").get_data(as_text=True)
    assert 'name="expires_on"' in review
    expires = utcnow().date() + timedelta(days=200)
    response = client.post(
        f"/staff/compliance/documents/{document.id}/approve",
        data={"expires_on": expires.isoformat()},
    )
    assert response.status_code == 302
    org_page = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert "Compliance documents" in org_page
    assert f"Current until {expires:%-d %b %Y}" in org_page
    assert "Tax form" in org_page and "Missing" in org_page
    again = client.post(
        f"/staff/compliance/documents/{document.id}/reject", data={"reason": "Late."}
    )
    assert again.status_code == 302
    review = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "already reviewed" in review and "Approved" in review


def test_the_expiry_date_is_checked_with_a_message(login, client) -> None:
    org = new_org(name="Dated", partner_type="reseller", status="active")
    login(new_user(Role.PARTNER_ADMIN, org))
    _post(client, "insurance", PDF)
    document = db.session.scalars(sa.select(ComplianceDocument)).one()
    login(new_user(Role.STAFF, None))
    url = f"/staff/compliance/documents/{document.id}/approve"
    for value, words in (
        ("", "Give the day this document expires."),
        ("2001-01-01", "must be after today"),
        ("99999-01-01", "Not a valid date value."),
        ("2026-02-30", "Not a valid date value."),
    ):
        response = client.post(url, data={"expires_on": value})
        assert response.status_code == 422, value
        assert words in response.get_data(as_text=True), value
    db.session.refresh(document)
    assert document.status == "waiting"


def test_hostile_files_are_refused_with_a_message(login, client) -> None:
    org = new_org(name="Hostile", partner_type="reseller", status="active")
    login(new_user(Role.PARTNER_ADMIN, org))
    cases = [
        (b"<!doctype html><script>alert(1)</script>", "evil.pdf", "PDF, PNG, JPEG"),
        (b"MZ\x90\x00", "setup.pdf", "PDF, PNG, JPEG"),
        (b"", "empty.pdf", "The file is empty."),
        (PDF + b"x" * LIMIT, "big.pdf", "larger than"),
    ]
    for data, name, words in cases:
        response = _post(client, "insurance", data, name)
        assert response.status_code == 422, name
        assert words in response.get_data(as_text=True), name
    response = _post(client, "not-a-document", PDF)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplianceDocument)) == 0


def test_a_body_over_the_limit_is_refused_before_it_is_read(login, client) -> None:
    org = new_org(name="Huge", partner_type="reseller", status="active")
    login(new_user(Role.PARTNER_ADMIN, org))
    response = _post(client, "insurance", PDF + b"x" * (2 * 1024 * 1024))  # past 1 MB too
    response.request.environ["wsgi.input"].close()  # the test client spooled it to a file
    assert response.status_code == 413
    assert "the most one document may be" in response.get_data(as_text=True)


def test_a_partner_user_cannot_upload(login, client) -> None:
    org = new_org(name="Users", partner_type="reseller", status="active")
    login(new_user(Role.PARTNER_USER, org))
    assert _post(client, "insurance", PDF).status_code == 403
    assert db.session.scalar(sa.select(ComplianceDocument)) is None


def test_the_file_downloads_as_an_attachment_for_admins_and_staff_only(login, client) -> None:
    org = new_org(name="Files", partner_type="reseller", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org)
    login(admin)
    _post(client, "tax-form", PDF, "w9.pdf")
    document = db.session.scalars(sa.select(ComplianceDocument)).one()
    url = f"/compliance/documents/{document.id}/file"
    for person in (admin, new_user(Role.STAFF, None)):
        response = login(person).get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data() == PDF
    other = new_user(Role.PARTNER_ADMIN, new_org(name="Elsewhere", partner_type="reseller"))
    assert login(other).get(url).status_code == 404
    assert login(new_user(Role.PARTNER_USER, org)).get(url).status_code == 404
