"""Images in content: `images/` (any depth) and images beside a module (`learning/<path>/x.png`).

Read at load (each at most MAX_IMAGE_BYTES), typed from their first bytes, never from the name
alone (a `.png` that is not a PNG is an error), SVGs checked by portal.content.svg_check. The
index keeps each image's type, size and sha256, not its bytes: the portal reads the file when
it is asked for it, and pages ask for `/content-images/<rel>?v=<hash>`, cached for a year.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from portal.content.svg_check import svg_problems

IMAGES = "images"
LEARNING = "learning"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Name suffix -> the type the first bytes must show.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
URL_PREFIX = "/content-images/"
VERSION_LENGTH = 12


@dataclass(frozen=True)
class ContentImage:
    """An image the portal serves: where it is in content, its type, size and sha256."""

    rel: str
    media_type: str
    size: int
    sha256: str

    @property
    def url(self) -> str:
        """Its address on the portal, versioned by content so it can be cached for good."""
        return f"{URL_PREFIX}{self.rel}?v={self.sha256[:VERSION_LENGTH]}"


def is_content_image(rel: str) -> bool:
    """True for files the loader reads as images: under images/, or beside a module."""
    parts = rel.split("/")
    if parts[0] == IMAGES and len(parts) > 1:
        return True
    return len(parts) == 3 and parts[0] == LEARNING and _suffix(parts[2]) in IMAGE_TYPES


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def sniff(data: bytes) -> str | None:
    """The image type `data` starts like, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def read_image(
    path: str, rel: str, hasher: hashlib._Hash
) -> tuple[ContentImage | None, list[tuple[int, str]]]:
    """(the image, []) or (None, why it cannot be served, as (line, message) problems)."""
    with open(path, "rb") as file:
        # read(n) allocates n bytes at once: ask for the file's size, never the whole limit.
        size = os.fstat(file.fileno()).st_size
        data = file.read(min(size, MAX_IMAGE_BYTES) + 1)
    hasher.update(f"{rel}\0{len(data)}\0".encode())
    hasher.update(data)
    if len(data) > MAX_IMAGE_BYTES:
        limit = f"an image may be at most {MAX_IMAGE_BYTES >> 20} MB"
        return None, [(1, f"the image is too large: {limit}")]
    expected = IMAGE_TYPES.get(_suffix(rel))
    if expected is None:
        kinds = ", ".join(sorted(IMAGE_TYPES))
        return None, [(1, f"images/ holds images only ({kinds}); this file's type is not served")]
    found = sniff(data)
    if found != expected:
        what = f"a {found.split('/')[1].upper()}" if found else "not an image of a served type"
        named = expected.split("/")[1].upper()
        return None, [(1, f"the file is named like a {named} image but is {what}")]
    if found == "image/svg+xml":
        problems = svg_problems(data)
        if problems:
            return None, problems
    return ContentImage(rel, found, len(data), hashlib.sha256(data).hexdigest()), []
