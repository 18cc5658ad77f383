"""Demo co-marketing pieces for `flask demo load`: one in each state, told through the rules.

Brightline's piece is approved (its reference to quote), another waits for changes, a third
waits past its review time; Harbor's press release was rejected and its flyer came back as a
second version after a request for changes. Files are small real PDF, PNG and DOCX files,
stored through the upload storage like any partner's.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, timedelta

from portal.accounts.models import User
from portal.comarketing import service
from portal.comarketing.models import DecisionKind
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import current_uploads

PDF = b"%PDF-1.4\n% Demo co-marketing piece\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _submit(user: User, program: Program, title: str, channel: str, days: int, **version):
    data = version.get("data")
    upload = service.check_upload(data, version.get("name", ""), 1 << 20) if data else None
    return service.submit_piece(
        user,
        service.Submission(
            title=title,
            channel=channel,
            planned_on=date.today() + timedelta(days=days),
            kit_id=version.get("kit"),
            upload=upload,
            url=version.get("url"),
        ),
        program,
        current_uploads(),
    )


def load_demo_comarketing(users: Sequence[User], program: Program) -> None:
    """Pieces in every state for the demo partners (users as portal/demo.py lists them)."""
    staff, brightline, harbor = users[0], users[2], users[4]
    approved = _submit(
        brightline, program, "Spring co-selling webinar invitation", "email", 21,
        data=PDF, name="webinar-invitation.pdf", kit="joint-webinar-in-a-box",
    )  # fmt: skip
    service.decide(approved, staff, DecisionKind.APPROVED, "Logo and claims check out.")
    changes = _submit(
        brightline, program, "Customer story landing page", "web_page", 30,
        url="https://brightline.example/preview/customer-story",
    )  # fmt: skip
    service.decide(
        changes, staff, DecisionKind.CHANGES_REQUESTED,
        "Please use the current product name and add the trademark notice in the footer.",
    )  # fmt: skip
    waiting = _submit(
        brightline, program, "LinkedIn launch announcement", "social_post", 7,
        url="https://brightline.example/preview/linkedin-post",
    )  # fmt: skip
    # Submitted two weeks ago: past the review time on any calendar (five working days with
    # the demo's business hours, even across the year-end holidays), so the queue shows it overdue.
    waiting.submitted_at = utcnow() - timedelta(days=14)
    waiting.due_at = service.due_at(waiting.submitted_at, program)
    rejected = _submit(
        harbor, program, "Joint press release: Harbor Systems partnership", "press_release", 14,
        data=_docx(), name="press-release.docx",
    )  # fmt: skip
    service.decide(
        rejected, staff, DecisionKind.REJECTED,
        "Partnership announcements go out from our press office: contact your partner manager.",
    )  # fmt: skip
    flyer = _submit(
        harbor, program, "Trade show booth flyer", "event", 45, data=PNG, name="flyer-v1.png"
    )
    service.decide(flyer, staff, DecisionKind.CHANGES_REQUESTED, "The QR code is too small.")
    db.session.flush()
    service.add_version(
        flyer, harbor, service.check_upload(PNG, "flyer-v2.png", 1 << 20), None,
        "Bigger QR code.", program, current_uploads(),
    )  # fmt: skip
    db.session.flush()
