"""Compliance documents, the partner team's side: versions waiting for review, and one
version's review (approve with its expiry date, or reject with a reason).

The organisation page (portal/staff) shows each organisation's documents through
`compliance.api.document_states`; these pages are where a version is decided.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Organization
from portal.compliance import document_review as review_rules
from portal.compliance.document_forms import ApproveDocumentForm, RejectDocumentForm
from portal.compliance.models import ComplianceDocument
from portal.content_runtime import current_content
from portal.csv_cells import guard_cell
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text

bp = Blueprint("staff_compliance", __name__, url_prefix="/staff/compliance")

QUEUE_LIMIT = 200  # the oldest first; a longer queue is worked from its head
CSV_HEADER = ["Organisation", "Document", "Version", "File", "Uploaded"]


@bp.get("/documents", endpoint="queue")
@staff_required
def queue():
    """Compliance documents waiting for review, oldest upload first."""
    return render_template(
        "compliance/queue.html",
        waiting=review_rules.waiting_documents(QUEUE_LIMIT),
        limit=QUEUE_LIMIT,
        program=current_content().program,
    )


@bp.get("/documents.csv", endpoint="export")
@staff_required
def export() -> Response:
    """The waiting documents as CSV (formula-guarded)."""
    program = current_content().program
    rows = [
        [
            org_name,
            program.compliance.document_name(document.document_type),
            str(document.version),
            document.file_name,
            f"{document.uploaded_at:%Y-%m-%d %H:%M}",
        ]
        for document, org_name in review_rules.waiting_documents(QUEUE_LIMIT)
    ]
    response = Response(_lines([CSV_HEADER, *rows]), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=compliance-documents-{utcnow():%Y%m%d}.csv"
    )
    return response


def _lines(rows: list[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _review_page(
    document: ComplianceDocument,
    status: int = 200,
    approve_form: ApproveDocumentForm | None = None,
    reject_form: RejectDocumentForm | None = None,
):
    program = current_content().program
    kind = program.compliance.document(document.document_type)
    if approve_form is None:
        approve_form = ApproveDocumentForm(formdata=None)
        approve_form.expires_on.data = review_rules.suggested_expiry(kind, utcnow().date())
    return (
        render_template(
            "compliance/review.html",
            document=document,
            kind=kind,
            name=program.compliance.document_name(document.document_type),
            org=db.session.get(Organization, document.organization_id),
            approve_form=approve_form,
            reject_form=reject_form or RejectDocumentForm(formdata=None),
        ),
        status,
    )


@bp.get("/documents/<id:document_id>", endpoint="review")
@staff_required
def review(document_id: int):
    """One uploaded version: its file, its state and the decision forms."""
    return _review_page(db.get_or_404(ComplianceDocument, document_id))


@bp.post("/documents/<id:document_id>/approve", endpoint="approve")
@staff_required
def approve(document_id: int):
    """Approve the version, with the day it expires when the document expires."""
    document = db.get_or_404(ComplianceDocument, document_id)
    form = ApproveDocumentForm()
    if not form.validate_on_submit():
        return _review_page(document, 422, approve_form=form)
    try:
        review_rules.approve_document(
            current_user, document_id, form.expires_on.data, current_content().program
        )
    except review_rules.AlreadyDecided as decided:
        db.session.rollback()
        flash(str(decided), "error")
        return redirect(url_for(".review", document_id=document_id))
    except review_rules.ReviewRefused as refused:
        db.session.rollback()
        form.expires_on.errors = [*form.expires_on.errors, str(refused)]
        return _review_page(db.get_or_404(ComplianceDocument, document_id), 422, form)
    db.session.commit()
    flash("Approved. The partner's admins were e-mailed.", "success")
    return redirect(url_for("staff.org", org_id=document.organization_id))


@bp.post("/documents/<id:document_id>/reject", endpoint="reject")
@staff_required
def reject(document_id: int):
    """Reject the version with a reason the partner reads."""
    document = db.get_or_404(ComplianceDocument, document_id)
    form = RejectDocumentForm()
    if not form.validate_on_submit():
        return _review_page(document, 422, reject_form=form)
    try:
        review_rules.reject_document(
            current_user, document_id, field_text(form.reason), current_content().program
        )
    except review_rules.AlreadyDecided as decided:
        db.session.rollback()
        flash(str(decided), "error")
        return redirect(url_for(".review", document_id=document_id))
    except review_rules.ReviewRefused as refused:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, str(refused)]
        return _review_page(db.get_or_404(ComplianceDocument, document_id), 422, reject_form=form)
    db.session.commit()
    flash("Rejected. The partner's admins were e-mailed the reason.", "success")
    return redirect(url_for("staff.org", org_id=document.organization_id))
