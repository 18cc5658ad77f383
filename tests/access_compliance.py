"""Route table for the partner agreement and compliance documents (merged into
tests/test_access.py ACCESS).

Every partner reads the agreement; only a partner admin may accept it: a partner user's POST
answers 403 (tests/compliance/test_agreement_views.py shows nothing is recorded). Every
partner sees their compliance documents' state; only a partner admin uploads one or opens its
file (anyone else "not found"); the partner team reviews them.
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Organization, User
from portal.compliance.documents import check_document_file, upload_document
from portal.content_runtime import current_content
from portal.extensions import db
from portal.kits.api import current_uploads
from tests.access_helpers import Route, partner_admins, partners, staff

ROUTES: dict[str, Route] = {
    "compliance.agreement": Route("/agreement", partners()),
    "compliance.accept": Route(
        "/agreement",
        partner_admins("ok"),
        "POST",
        {"signer_name": "Alex Kim", "authorised": "y"},
    ),
    "compliance_documents.index": Route("/compliance", partners()),
    "compliance_documents.upload": Route(
        "/compliance/documents", partner_admins("ok"), "POST", {"document_type": "tax-form"}
    ),
    "compliance_documents.download": Route(
        "/compliance/documents/{compliance_document_id}/file",
        {
            "anonymous": "login",
            "partner_user": 404,
            "partner_admin": 200,
            "other_partner": 404,
            "staff": 200,
            "admin": 200,
        },
    ),
    "staff_compliance.queue": Route("/staff/compliance/documents", staff()),
    "staff_compliance.export": Route("/staff/compliance/documents.csv", staff()),
    "staff_compliance.review": Route(
        "/staff/compliance/documents/{compliance_document_id}", staff()
    ),
    "staff_compliance.approve": Route(
        "/staff/compliance/documents/{compliance_document_id}/approve", staff("ok"), "POST"
    ),
    "staff_compliance.reject": Route(
        "/staff/compliance/documents/{compliance_document_id}/reject",
        staff("ok"),
        "POST",
        {"reason": "Unreadable scan."},
    ),
}


def build_compliance_document(org: Organization, admin: User) -> dict[str, Any]:
    """The organisation's tax form, uploaded by its admin and waiting for review."""
    kind = current_content().program.compliance.document("tax-form")
    assert kind is not None
    checked = check_document_file(b"%PDF-1.7\n", "w9.pdf", 1024)
    document = upload_document(admin, org, kind, checked, current_uploads())
    db.session.commit()
    return {"compliance_document_id": document.id}
