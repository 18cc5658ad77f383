"""Demo compliance documents: one current, one expiring, one missing.

Harbor Systems (a reseller) has its tax form approved (it does not expire) and its insurance
certificate approved but expiring in 20 days, inside the 30-day reminder window; Brightline
Consulting (a referral partner) has not uploaded its tax form yet, so staff see it missing.
The files are small real PDFs stored through the upload storage like any partner's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from portal.accounts.models import User
from portal.compliance.document_review import approve_document
from portal.compliance.documents import check_document_file, upload_document
from portal.content.model import Program
from portal.db_types import utcnow
from portal.kits.api import current_uploads

PDF = b"%PDF-1.4\n% Demo compliance document\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXPIRING_IN_DAYS = 20


def load_demo_documents(users: Sequence[User], program: Program) -> int:
    """Harbor's two approved documents (users as portal/demo.py lists them); how many."""
    staff, harbor = users[0], users[4]
    org = harbor.organization
    if org is None:
        return 0
    today = utcnow().date()
    filed = 0
    for kind in program.compliance.required_for(org.partner_type):
        upload = check_document_file(PDF, f"{kind.id}.pdf", 1 << 20)
        document = upload_document(harbor, org, kind, upload, current_uploads())
        expires = today + timedelta(days=EXPIRING_IN_DAYS) if kind.expires else None
        approve_document(staff, document.id, expires, program)
        filed += 1
    return filed
