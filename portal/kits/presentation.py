"""How kit files and templates are shown and downloaded: sizes, type names, documents."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

from portal.content.library import Kit, KitFile, KitTemplate

KIND_LABELS: dict[str, str] = {
    "webinar": "Webinar",
    "email": "E-mail",
    "landing-page": "Landing page",
    "case-study": "Case study",
    "social": "Social",
    "one-pager": "One-pager",
}
# Download formats for a rendered template: extension -> media type.
TEMPLATE_DOWNLOADS: dict[str, str] = {"txt": "text/plain", "html": "text/html"}

FILE_TYPE_NAMES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/svg+xml": "SVG image",
    "image/webp": "WebP image",
    "text/plain": "Text",
    "text/html": "HTML",
    "text/csv": "CSV",
    "text/calendar": "Calendar invitation",
    "text/markdown": "Markdown",
    "application/zip": "ZIP archive",
    "video/mp4": "MP4 video",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint presentation"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
}


@dataclass(frozen=True)
class FileRow:
    """A kit file as the kit page lists it."""

    file: KitFile
    size: str
    type: str


def human_size(size: int) -> str:
    """Bytes in words a person reads at a glance: 512 bytes, 12 KB, 1.4 MB."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def file_type_label(media_type: str) -> str:
    """A file type's everyday name (the media type itself when we have no name for it)."""
    return FILE_TYPE_NAMES.get(media_type, media_type)


def file_rows(kit: Kit) -> list[FileRow]:
    """The kit's files with their size and type in words."""
    return [FileRow(f, human_size(f.size), file_type_label(f.media_type)) for f in kit.files]


def download_document(template: KitTemplate, text: str, fmt: str) -> tuple[str, str]:
    """The download's body and media type: the text as is (.txt) or an HTML document (.html).

    An `html` template's output is already HTML (escaped by the sandbox); a `text` template's
    output is escaped here, paragraph by paragraph.
    """
    media_type = TEMPLATE_DOWNLOADS[fmt]
    if fmt == "txt":
        return text, media_type
    if template.format == "html":
        if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
            return text, media_type
        body = text
    else:
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        body = "\n".join(
            f"<p>{escape(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs
        )
    document = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(template.title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return document, media_type
