"""Proof files on a claim: read within the size limit, typed by content, stored by the kits.

The body limit is raised for the claim route only (`allow_proof_files`, a before-request hook
that runs before CSRF protection reads the body), to what seven files of MDF_PROOF_MAX_BYTES
need; Werkzeug refuses a larger body from its Content-Length before reading it, and each file
is read at most one byte past its own limit. The type comes from the first bytes
(`sniff_media_type`), never from the name or the browser's Content-Type.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from flask import current_app
from flask_login import current_user
from htmx_flask import request
from werkzeug.datastructures import FileStorage

from portal.kits.api import sniff_media_type, store_upload
from portal.mdf.claims import StoredProof
from portal.mdf.models import ProofKind

MAX_PHOTOS = 5
MAX_FILES = MAX_PHOTOS + 2
UPLOAD_OVERHEAD_BYTES = 64 * 1024
MULTIPART_CHUNK_BYTES = 64 * 1024
ALLOWED = {
    ProofKind.INVOICE: {"application/pdf", "image/png", "image/jpeg"},
    ProofKind.PHOTO: {"image/png", "image/jpeg"},
    ProofKind.ATTENDEES: {"text/csv"},
}
KIND_WORDS = {
    ProofKind.INVOICE: "The invoice must be a PDF, PNG or JPEG file.",
    ProofKind.PHOTO: "Photos must be PNG or JPEG files.",
    ProofKind.ATTENDEES: "The attendee list must be a CSV file (UTF-8 text).",
}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/csv": "csv"}
NAME_MAX = 100


class ProofRefused(ValueError):
    """A proof file the claim cannot take, with the message shown beside its field."""

    def __init__(self, message: str, field: str = "invoice") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


FIELDS = {
    ProofKind.INVOICE: "invoice",
    ProofKind.PHOTO: "photos",
    ProofKind.ATTENDEES: "attendee_list",
}


def file_limit() -> int:
    return int(current_app.config["MDF_PROOF_MAX_BYTES"])


def allow_proof_files() -> None:
    """Partner admins may send a claim's files, more than other forms' body limit."""
    if not (
        request.endpoint == "mdf.claim"
        and current_user.is_authenticated
        and current_user.is_partner_admin
    ):
        return
    body_limit = request.max_content_length
    if body_limit is not None:
        request.max_content_length = max(
            body_limit, MAX_FILES * file_limit() + UPLOAD_OVERHEAD_BYTES
        )
    form_limit = request.max_form_memory_size
    if form_limit is not None:
        request.max_form_memory_size = max(form_limit, 2 * MULTIPART_CHUNK_BYTES)


def size_text(size: int) -> str:
    """A size as people say it: "5 MB", "64 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


def _download_name(storage: FileStorage, kind: str, media_type: str) -> str:
    stem = PurePath(storage.filename or "").stem[:NAME_MAX] or kind
    return f"{stem}.{EXTENSIONS[media_type]}"


def read_proof(storage: FileStorage | None, kind: str) -> tuple[bytes, str, str] | None:
    """The file's bytes, sniffed type and download name; None when no file was chosen."""
    if storage is None or not isinstance(storage, FileStorage) or not storage.filename:
        return None
    limit = file_limit()
    field = FIELDS[ProofKind(kind)]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise ProofRefused(f"Each file may be at most {size_text(limit)}.", field)
    if not data:
        raise ProofRefused("That file is empty.", field)
    media_type = sniff_media_type(data)
    if media_type not in ALLOWED[ProofKind(kind)]:
        raise ProofRefused(KIND_WORDS[ProofKind(kind)], field)
    return data, media_type, _download_name(storage, kind, media_type)


def attendee_count(data: bytes) -> int:
    """Rows of an attendee list after its header (blank rows not counted).

    Any line ending is read (old Mac exports end lines with CR alone); a file the csv module
    cannot read (a field over its limit, say) is refused like a file of the wrong type.
    """
    text = data.decode("utf-8-sig")
    try:
        rows = [
            row
            for row in csv.reader(io.StringIO(text, newline=""))
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise ProofRefused(
            f"The attendee list is not readable as CSV ({error}).", "attendee_list"
        ) from error
    return max(0, len(rows) - 1)


def store_proofs(
    invoice: FileStorage | None,
    photos: list[FileStorage],
    attendee_list: FileStorage | None,
) -> tuple[list[StoredProof], int | None]:
    """Check every file, then store them; the attendee count read from the list, if any.

    Raises ProofRefused before anything is stored when one file is refused.
    """
    chosen = [p for p in photos if isinstance(p, FileStorage) and p.filename]
    if len(chosen) > MAX_PHOTOS:
        raise ProofRefused(f"Attach at most {MAX_PHOTOS} photos.", "photos")
    checked: list[tuple[str, tuple[bytes, str, str]]] = []
    for kind, storage in (
        (ProofKind.INVOICE, invoice),
        *((ProofKind.PHOTO, photo) for photo in chosen),
        (ProofKind.ATTENDEES, attendee_list),
    ):
        read = read_proof(storage, kind)
        if read is not None:
            checked.append((kind, read))
    attendees = next(
        (attendee_count(data) for kind, (data, _t, _n) in checked if kind == ProofKind.ATTENDEES),
        None,
    )
    stored = [
        StoredProof(kind, store_upload(data, media_type), name, media_type, len(data))
        for kind, (data, media_type, name) in checked
    ]
    return stored, attendees
