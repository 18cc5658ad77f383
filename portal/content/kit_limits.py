"""What a kit file may be: at most MAX_KIT_FILE_BYTES, and of a type partners can open.

The limit keeps a download (and the kit's "Download all" zip) reasonable on a partner's
connection; the types are documents, images, slides, spreadsheets, media and archives. Anything
else (a program, a script, an unknown extension) is refused at load rather than served as
`application/octet-stream` for someone to run.
"""

from __future__ import annotations

import os

MAX_KIT_FILE_BYTES = 25 * 1024 * 1024
KIT_FILE_TYPES = frozenset(
    {
        ".pdf", ".txt", ".csv", ".md", ".html", ".ics",
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
        ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
        ".mp4", ".webm", ".mp3", ".zip",
    }
)  # fmt: skip


def kit_file_problem(name: str, size: int) -> str | None:
    """Why the kit file `name` of `size` bytes cannot be offered, or None."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in KIT_FILE_TYPES:
        kinds = " ".join(sorted(KIT_FILE_TYPES))
        return (
            f"file '{name}' is of a type the portal does not serve "
            f"({suffix or 'no extension'}); kit files may be: {kinds}"
        )
    if size > MAX_KIT_FILE_BYTES:
        return (
            f"file '{name}' is too large: {size:,} bytes "
            f"(a kit file may be at most {MAX_KIT_FILE_BYTES >> 20} MB)"
        )
    return None
