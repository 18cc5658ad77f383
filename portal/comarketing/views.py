"""Co-marketing approvals, the partner's side: submit a piece, follow it, send a new version.

Views parse, call the rules in service.py and render; each POST commits once.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.accounts.access import login_required, partner_required
from portal.comarketing import csv_export, listing, service
from portal.comarketing.forms import PieceForm, VersionForm
from portal.comarketing.models import ComarketingPiece, ComarketingVersion
from portal.comarketing.presentation import page_helpers
from portal.content_runtime import current_content
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import accepts
from portal.ids import parse_id
from portal.kits.api import StorageUnavailable, current_uploads, kit_choices

bp = Blueprint("comarketing", __name__, url_prefix="/approvals")

UPLOAD_ENDPOINTS = frozenset({"comarketing.new", "comarketing.new_version"})
# Room in an upload's body for the multipart boundaries, the other fields and the CSRF token.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Werkzeug reads a multipart body in chunks of 64 KB and refuses a chunk larger than the
# form-memory limit, file data included: a file of more than one chunk needs room for two.
MULTIPART_CHUNK_BYTES = 64 * 1024
UNAVAILABLE = "The file could not be stored just now. Please try again in a few minutes."


def file_limit() -> int:
    """The most bytes one uploaded piece may have (COMARKETING_MAX_BYTES)."""
    return int(current_app.config["COMARKETING_MAX_BYTES"])


def allow_a_piece_file() -> None:
    """Partners may send a piece up to COMARKETING_MAX_BYTES, more than other forms allow.

    An app-wide before-request hook run before CSRF protection reads the body (see
    `portal.comarketing.init_app`); the body's declared length is still checked before a
    byte of it is read, and everyone else keeps the usual limits.
    """
    if request.endpoint not in UPLOAD_ENDPOINTS or not (
        current_user.is_authenticated and current_user.is_partner
    ):
        return
    body_limit = request.max_content_length
    if body_limit is not None:
        request.max_content_length = max(body_limit, file_limit() + UPLOAD_OVERHEAD_BYTES)
    form_limit = request.max_form_memory_size
    if form_limit is not None:
        request.max_form_memory_size = max(form_limit, 2 * MULTIPART_CHUNK_BYTES)


def _read_version(form: PieceForm | VersionForm) -> tuple[service.Upload | None, str | None]:
    """The form's file (read up to the limit, then checked by content) or its address."""
    if not form.has_file():
        return None, field_text(form.url).strip()
    storage = form.file.data
    limit = file_limit()
    data = storage.read(limit + 1)
    return service.check_upload(data, storage.filename or "", limit), None


@bp.get("", endpoint="index")
@partner_required
def index():
    """The organisation's co-marketing pieces, newest first."""
    before = parse_id(request.args.get("before", ""))
    page = listing.partner_page(current_user.organization_id, before)
    return render_template("comarketing/index.html", page=page, **page_helpers())


@bp.get("/export.csv", endpoint="export")
@partner_required
def export():
    """Every piece of the organisation as CSV (formula-guarded)."""
    return csv_export.response(
        csv_export.partner_lines(current_user.organization_id), "co-marketing-pieces"
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@accepts(files=("file",))
@partner_required
def new():
    """Submit a piece for the partner team's approval."""
    content = current_content()
    form = PieceForm()
    kits = kit_choices(current_user, content)
    form.set_kits(kits)
    # A DateField that validates holds a date; the check is for mypy's sake.
    planned_on = form.planned_on.data
    if form.validate_on_submit() and form.check_one_of() and planned_on is not None:
        try:
            upload, url = _read_version(form)
            piece = service.submit_piece(
                current_user,
                service.Submission(
                    title=field_text(form.title).strip(),
                    channel=form.channel.data or "",
                    planned_on=planned_on,
                    kit_id=form.kit.data or None,  # the empty choice: no kit
                    upload=upload,
                    url=url,
                ),
                content.program,
                current_uploads(),
            )
        except service.UploadRefused as refused:
            form.file.errors = [*form.file.errors, str(refused)]
        except StorageUnavailable:
            db.session.rollback()
            current_app.logger.exception("co-marketing upload: storage unavailable")
            form.file.errors = [*form.file.errors, UNAVAILABLE]
        else:
            db.session.commit()
            flash("Your piece was submitted. The partner team will review it.", "success")
            return redirect(url_for("comarketing.piece", piece_id=piece.id))
    status = 422 if form.errors else 200
    return render_template(
        "comarketing/new.html", form=form, limit=_limit_text(), **page_helpers()
    ), status


def _own_piece(piece_id: int) -> ComarketingPiece:
    piece = db.session.get(ComarketingPiece, piece_id)
    if piece is None or piece.organization_id != current_user.organization_id:
        abort(404)
    return piece


def _piece_page(piece: ComarketingPiece, status: int = 200, form: VersionForm | None = None):
    return render_template(
        "comarketing/piece.html",
        piece=piece,
        timeline=listing.timeline_of(piece),
        form=form or VersionForm(formdata=None),
        limit=_limit_text(),
        **page_helpers(),
    ), status


@bp.get("/<id:piece_id>", endpoint="piece")
@partner_required
def piece(piece_id: int):
    """One piece: its state, approval reference, versions and timeline."""
    return _piece_page(_own_piece(piece_id))


@bp.post("/<id:piece_id>/versions", endpoint="new_version")
@accepts(files=("file",))
@partner_required
def new_version(piece_id: int):
    """Send the next version after the partner team asked for changes."""
    form = VersionForm()
    if not (form.validate_on_submit() and form.check_one_of()):
        return _piece_page(_own_piece(piece_id), 422, form)
    found = service.lock_piece(piece_id, current_user.organization_id)
    if found is None:
        abort(404)
    try:
        upload, url = _read_version(form)
        service.add_version(
            found,
            current_user,
            upload,
            url,
            field_text(form.note).strip(),
            current_content().program,
            current_uploads(),
        )
    except (service.UploadRefused, service.DecisionRefused) as refused:
        db.session.rollback()
        form.file.errors = [*form.file.errors, str(refused)]
        return _piece_page(_own_piece(piece_id), 422, form)
    except StorageUnavailable:
        db.session.rollback()
        current_app.logger.exception("co-marketing upload: storage unavailable")
        form.file.errors = [*form.file.errors, UNAVAILABLE]
        return _piece_page(_own_piece(piece_id), 503, form)
    db.session.commit()
    flash("Your new version was sent for review.", "success")
    return redirect(url_for("comarketing.piece", piece_id=piece_id))


@bp.get("/<id:piece_id>/versions/<id:version_id>/file", endpoint="download")
@login_required
def download(piece_id: int, version_id: int) -> Response:
    """A version's file as an attachment: the partner's own organisation, or staff."""
    version = db.session.get(ComarketingVersion, version_id)
    found = db.session.get(ComarketingPiece, piece_id)
    if (
        version is None
        or found is None
        or version.piece_id != found.id
        or version.storage_key is None
        or not (current_user.is_staff or found.organization_id == current_user.organization_id)
    ):
        abort(404)
    try:
        return current_uploads().send(version.storage_key, version.file_name, version.media_type)
    except StorageUnavailable:
        current_app.logger.exception("co-marketing download: storage unavailable")
        abort(503, description="The file cannot be fetched just now. Please try again shortly.")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the limit, refused before it was read."""
    db.session.rollback()
    error.description = (
        f"The file is larger than {_limit_text()}, the most one piece may be. "
        "Make it smaller (export at a lower resolution, or share a web address) and try again."
    )
    return render_template("error.html", error=error), 413


def _limit_text() -> str:
    return f"{file_limit() / (1024 * 1024):.3g} MB"
