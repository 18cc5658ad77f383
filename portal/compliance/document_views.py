"""Compliance documents, the partner's side: what is on file, uploading a new version (partner
admins), and downloading a file (partner admins and the partner team).

`/compliance` is linked from the agreement page; every partner sees their organisation's
documents and their state, only a partner admin gets the upload form and the files.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.accounts.access import login_required, partner_admin_required, partner_required
from portal.compliance import documents as rules
from portal.compliance.document_forms import DocumentUploadForm
from portal.compliance.models import ComplianceDocument
from portal.content_runtime import current_content
from portal.extensions import db
from portal.http import accepts
from portal.kits.api import StorageUnavailable, current_uploads

bp = Blueprint("compliance_documents", __name__, url_prefix="/compliance")

UPLOAD_ENDPOINT = "compliance_documents.upload"
# Room in the body for the multipart boundaries, the other fields and the CSRF token.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Werkzeug reads a multipart body in chunks of 64 KB and refuses a chunk larger than the
# form-memory limit, file data included: a file of more than one chunk needs room for two.
MULTIPART_CHUNK_BYTES = 64 * 1024
UNAVAILABLE = "The file could not be stored just now. Please try again in a few minutes."
RACED = "Another upload of this document arrived at the same moment. Please try again."


def file_limit() -> int:
    """The most bytes one document may have (COMPLIANCE_DOCUMENT_MAX_BYTES)."""
    return int(current_app.config["COMPLIANCE_DOCUMENT_MAX_BYTES"])


def allow_a_document_file() -> None:
    """Partner admins may send a document up to the limit, more than other forms allow.

    An app-wide before-request hook run before CSRF protection reads the body (see
    `portal.compliance.init_app`); the body's declared length is still checked before a byte
    of it is read, and everyone else keeps the usual limits.
    """
    if request.endpoint != UPLOAD_ENDPOINT or not (
        current_user.is_authenticated and current_user.is_partner_admin
    ):
        return
    body_limit = request.max_content_length
    if body_limit is not None:
        request.max_content_length = max(body_limit, file_limit() + UPLOAD_OVERHEAD_BYTES)
    form_limit = request.max_form_memory_size
    if form_limit is not None:
        request.max_form_memory_size = max(form_limit, 2 * MULTIPART_CHUNK_BYTES)


def _page(form: DocumentUploadForm | None = None, status: int = 200):
    program = current_content().program
    org = current_user.organization
    required = program.compliance.required_for(org.partner_type)
    if form is None:
        form = DocumentUploadForm(formdata=None)
    form.set_documents(required)
    may_upload = rules.can_upload(current_user, org)
    return (
        render_template(
            "compliance/documents.html",
            states=rules.document_states(org, program.compliance),
            history=rules.org_documents(org.id) if may_upload else [],
            program=program,
            can_upload=may_upload,
            form=form,
            limit_text=_limit_text(),
        ),
        status,
    )


@bp.get("", endpoint="index")
@partner_required
def index():
    """The organisation's compliance documents: what is on file, what is missing."""
    return _page()


@bp.post("/documents", endpoint="upload")
@accepts(files=("file",))
@partner_admin_required
def upload():
    """A partner admin uploads a document's new version for the partner team's review."""
    program = current_content().program
    org = current_user.organization
    form = DocumentUploadForm()
    form.set_documents(program.compliance.required_for(org.partner_type))
    if not form.validate_on_submit():
        return _page(form, 422)
    kind = program.compliance.document(form.document_type.data or "")
    if kind is None:
        abort(404)
    if not form.has_file():
        form.file.errors = [*form.file.errors, "Choose the file to upload."]
        return _page(form, 422)
    limit = file_limit()
    storage = form.file.data
    try:
        checked = rules.check_document_file(storage.read(limit + 1), storage.filename or "", limit)
        rules.upload_document(current_user, org, kind, checked, current_uploads())
        db.session.commit()
    except rules.UploadRefused as refused:
        db.session.rollback()
        form.file.errors = [*form.file.errors, str(refused)]
        return _page(form, 422)
    except StorageUnavailable:
        db.session.rollback()
        current_app.logger.exception("compliance upload: storage unavailable")
        form.file.errors = [*form.file.errors, UNAVAILABLE]
        return _page(form, 503)
    except IntegrityError:
        db.session.rollback()
        form.file.errors = [*form.file.errors, RACED]
        return _page(form, 409)
    flash(f"Your {kind.name} was uploaded. The partner team will review it.", "success")
    return redirect(url_for(".index"))


@bp.get("/documents/<id:document_id>/file", endpoint="download")
@login_required
def download(document_id: int) -> Response:
    """A document's file as an attachment: the organisation's partner admins, or staff."""
    document = db.session.get(ComplianceDocument, document_id)
    allowed = document is not None and (
        current_user.is_staff
        or (
            current_user.is_partner_admin
            and document.organization_id == current_user.organization_id
        )
    )
    if document is None or not allowed:
        abort(404)
    try:
        return current_uploads().send(document.storage_key, document.file_name, document.media_type)
    except StorageUnavailable:
        current_app.logger.exception("compliance download: storage unavailable")
        abort(503, description="The file cannot be fetched just now. Please try again shortly.")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the limit, refused before it was read."""
    db.session.rollback()
    error.description = (
        f"The file is larger than {_limit_text()}, the most one document may be. "
        "Scan it at a lower resolution or save it as a PDF, and try again."
    )
    return render_template("error.html", error=error), 413


def _limit_text() -> str:
    return f"{file_limit() / (1024 * 1024):.3g} MB"
