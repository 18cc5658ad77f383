"""Kit pages: the library, one kit, a file download, all files as a zip, a file's preview
thumbnail, a co-branded template.

Kits are partner material: every view is for partners, and a kit outside the organisation's
audience answers 404 exactly like a kit that does not exist. A download is recorded and
committed before the file (or the redirect to it) leaves the server.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_file,
)
from flask_login import current_user

from portal.accounts.access import partner_required
from portal.content.cobrand import CobrandError
from portal.content.library import KIT_KINDS, Kit, KitTemplate
from portal.content_runtime import current_content
from portal.database import writes_database
from portal.extensions import db
from portal.http import render_page
from portal.kits.bundle import KitTooLarge, kit_zip, zip_fits, zip_name
from portal.kits.forms import CopiedForm
from portal.kits.presentation import (
    KIND_LABELS,
    TEMPLATE_DOWNLOADS,
    download_document,
    file_rows,
    human_size,
)
from portal.kits.service import (
    kit_for,
    kits_for,
    record_download,
    record_template_use,
    render_template_for,
)
from portal.kits.storage import (
    StorageUnavailable,
    content_disposition,
    current_storage,
    local_path,
)

bp = Blueprint("kits", __name__, url_prefix="/kits")

QUERY_MAX_LENGTH = 200
UNAVAILABLE = "This file is unavailable right now; try again in a few minutes."
TOO_LARGE = "This kit is too large to download in one file: download its files one by one."


@bp.context_processor
def _kind_labels() -> dict[str, dict[str, str]]:
    return {"kind_labels": KIND_LABELS}


@bp.get("")
@partner_required
def library():
    """The kits the organisation may use, filtered by kind and searched by words."""
    kind = request.args.get("kind", "")
    kind = kind if kind in KIT_KINDS else ""
    q = request.args.get("q", "").strip()[:QUERY_MAX_LENGTH]
    kits = kits_for(current_user, current_content(), kind=kind or None, q=q)
    return render_page("kits/library.html", "results", kits=kits, kind=kind, q=q, kinds=KIT_KINDS)


@bp.get("/<kit_id>")
@partner_required
def kit(kit_id: str):
    """One kit: its description, files and co-branded templates."""
    return _kit_page(kit_or_404(kit_id))


@bp.get("/<kit_id>/files/<name>")
@writes_database
@partner_required
def download(kit_id: str, name: str):
    """A kit file: recorded as a download, then streamed or redirected to the bucket."""
    found = kit_or_404(kit_id)
    file = found.file(name)
    if file is None:
        abort(404)
    try:
        response = current_storage().send(found, file)
    except StorageUnavailable as exc:
        current_app.logger.warning("kit file %s unavailable: %s", file.path, exc)
        return _kit_page(found, unavailable=file.name, status=503)
    # The response is ready but not sent: the download exists once it is committed. A HEAD
    # delivers no file.
    if request.method == "GET":
        record_download(current_user, found, file)
        db.session.commit()
    return response


@bp.get("/<kit_id>/download-all")
@writes_database
@partner_required
def download_all(kit_id: str):
    """Every file of the kit in one zip, each file recorded as a download."""
    found = kit_or_404(kit_id)
    if not found.files:
        abort(404)
    if not zip_fits(found):
        return _kit_page(found, unavailable="all files", status=413, message=TOO_LARGE)
    storage = current_storage()
    try:
        body = kit_zip(found, lambda file: storage.read(found, file))
    except StorageUnavailable as exc:
        current_app.logger.warning("kit %s zip unavailable: %s", found.id, exc)
        return _kit_page(found, unavailable="all files", status=503)
    except KitTooLarge:  # the stored files are larger than the content index says
        return _kit_page(found, unavailable="all files", status=413, message=TOO_LARGE)
    if request.method == "GET":  # a HEAD delivers nothing
        for file in found.files:
            record_download(current_user, found, file)
        db.session.commit()
    response = send_file(body, mimetype="application/zip", conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(zip_name(found))
    return response


@bp.get("/<kit_id>/previews/<name>")
@partner_required
def preview(kit_id: str, name: str):
    """A kit file's preview thumbnail (PNG, from the content directory); not a download."""
    found = kit_or_404(kit_id)
    file = found.file(name)
    if file is None or not file.preview:
        abort(404)
    root = Path(current_app.config["CONTENT_DIR"])
    path = local_path(root, found.id, f"{file.name}.png", folder="previews")
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png")


@bp.get("/<kit_id>/templates/<template_id>")
@partner_required
def template(kit_id: str, template_id: str):
    """A co-branded template rendered for the organisation, ready to copy or download."""
    found = kit_or_404(kit_id)
    kit_template = template_or_404(found, template_id)
    text = _render_or_none(found, kit_template)
    if text is None:
        return _template_unavailable(found, kit_template)
    return render_template(
        "kits/template.html",
        kit=found,
        template=kit_template,
        text=text,
        downloads=TEMPLATE_DOWNLOADS,
        form=CopiedForm(formdata=None),
    )


@bp.get("/<kit_id>/templates/<template_id>/download")
@writes_database
@partner_required
def template_download(kit_id: str, template_id: str):
    """The rendered template as a .txt or .html attachment (`?format=`), recorded as used."""
    found = kit_or_404(kit_id)
    kit_template = template_or_404(found, template_id)
    fmt = request.args.get("format") or ("html" if kit_template.format == "html" else "txt")
    if fmt not in TEMPLATE_DOWNLOADS:
        abort(404)
    text = _render_or_none(found, kit_template)
    if text is None:
        return _template_unavailable(found, kit_template)
    body, media_type = download_document(kit_template, text, fmt)
    if request.method == "GET":  # a HEAD delivers nothing
        record_template_use(current_user, found, kit_template, "download")
        db.session.commit()
    response = make_response(body)
    response.mimetype = media_type
    response.headers["Content-Disposition"] = content_disposition(
        f"{found.id}-{kit_template.id}.{fmt}"
    )
    return response


@bp.post("/<kit_id>/templates/<template_id>/copied")
@partner_required
def template_copied(kit_id: str, template_id: str):
    """Record that the partner copied the template text (kits.js calls this); 204."""
    found = kit_or_404(kit_id)
    kit_template = template_or_404(found, template_id)
    record_template_use(current_user, found, kit_template, "copy")
    db.session.commit()
    return Response(status=204)


def kit_or_404(kit_id: str) -> Kit:
    """The kit if it exists and the user's organisation is in its audience; 404 otherwise."""
    found = kit_for(current_user, current_content(), kit_id)
    if found is None:
        abort(404)
    return found


def template_or_404(found: Kit, template_id: str) -> KitTemplate:
    """The kit's template with this id; 404 otherwise."""
    kit_template = found.template(template_id)
    if kit_template is None:
        abort(404)
    return kit_template


def _kit_page(
    found: Kit, unavailable: str = "", status: int = 200, message: str = UNAVAILABLE
) -> Response:
    body = render_template(
        "kits/kit.html",
        kit=found,
        files=file_rows(found),
        zip_offered=zip_fits(found),
        total_size=human_size(sum(f.size for f in found.files)),
        unavailable=unavailable,
        message=message,
    )
    return make_response(body, status)


def _render_or_none(found: Kit, kit_template: KitTemplate) -> str | None:
    """The rendered text, or None (logged) when the template cannot render.

    `flask content check` refuses such templates, so this is a safety net, not a path.
    """
    try:
        return render_template_for(current_user, found, kit_template, current_content().program)
    except CobrandError as exc:
        current_app.logger.error("template %s failed to render: %s", kit_template.source, exc)
        return None


def _template_unavailable(found: Kit, kit_template: KitTemplate) -> Response:
    body = render_template("kits/template_unavailable.html", kit=found, template=kit_template)
    return make_response(body, 503)
