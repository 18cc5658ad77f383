"""What an uploaded file is, read from its bytes: never from its name or the declared type.

Every upload is typed here (co-marketing pieces, MDF proof, compliance documents); each
feature then accepts the kinds it takes. Five kinds are known, each by a signature at the
start of the file:

- PDF: starts with `%PDF-`.
- PNG: starts with the 8-byte PNG signature `89 50 4E 47 0D 0A 1A 0A`.
- JPEG: starts with `FF D8 FF` (start of image, then a marker).
- DOCX: a ZIP archive (`PK 03 04`) whose directory lists `[Content_Types].xml` and
  `word/document.xml`.
- HTML: UTF-8 text (a BOM and leading white space allowed) starting with `<!doctype html`
  or `<html`.

Anything else (an executable renamed .pdf, an SVG, an old .doc, a spreadsheet) is none of them. A
DOCX is only opened as far as its central directory: nothing in it is extracted. The checks
are small and fixed, so they live here rather than in a general "magic" library that would
recognise hundreds of types we must refuse anyway.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

__all__ = ["DOCX", "HTML", "JPEG", "PDF", "PNG", "UPLOAD_KINDS", "FileKind", "sniff"]


@dataclass(frozen=True)
class FileKind:
    label: str  # what people call it: "PDF"
    media_type: str
    extension: str  # of the stored name, chosen by us


PDF = FileKind("PDF", "application/pdf", "pdf")
PNG = FileKind("PNG", "image/png", "png")
JPEG = FileKind("JPEG", "image/jpeg", "jpg")
DOCX = FileKind(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
HTML = FileKind("HTML", "text/html", "html")
UPLOAD_KINDS = (PDF, PNG, JPEG, DOCX, HTML)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_SIGNATURE = b"PK\x03\x04"
_DOCX_MEMBERS = frozenset({"[Content_Types].xml", "word/document.xml"})
_HTML_STARTS = (b"<!doctype html", b"<html")


def sniff(data: bytes) -> FileKind | None:
    """The file's kind from its content, or None when it is none of the accepted five."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_ZIP_SIGNATURE):
        return DOCX if _is_docx(data) else None
    if _is_html(data):
        return HTML
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    return names >= _DOCX_MEMBERS


def _is_html(data: bytes) -> bool:
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").lower()
    if not head.startswith(_HTML_STARTS):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
