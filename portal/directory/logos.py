"""Partner logos: checked, cleaned, resized and re-encoded on the server before anyone sees one.

An upload is read only up to LOGO_MAX_BYTES (one byte more means refused), must be an image
Pillow decodes as PNG, JPEG, GIF or WebP (judged by its content, never its name; SVG is
refused: it can carry script), no larger than MAX_PIXELS before decoding (a small file can
declare a huge image), and leaves as a fresh PNG of at most MAX_SIDE pixels a side with no
metadata (EXIF, comments, colour profiles are dropped). It is stored through the kits'
upload store under its content hash.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Response

from portal.kits import api as kits

LOGO_MAX_BYTES = 1024 * 1024
MAX_SIDE = 400
MAX_PIXELS = 16_000_000
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})
MEDIA_TYPE = "image/png"


class LogoRefused(Exception):
    """The upload is not a logo we accept; the message says why, for the form."""


def read_limited(stream: IO[bytes], limit: int = LOGO_MAX_BYTES) -> bytes:
    """At most `limit` bytes of the upload; refused as soon as there is more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise LogoRefused(f"The logo must be at most {limit // 1024} KB.")
    if not data:
        raise LogoRefused("The logo file is empty.")
    return data


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def clean_logo(data: bytes) -> bytes:
    """The logo as a fresh PNG, at most MAX_SIDE a side, without metadata."""
    # Pillow is imported by the one action that decodes images, not by every web worker.
    from PIL import Image, UnidentifiedImageError

    if _looks_like_svg(data):
        raise LogoRefused("SVG logos are not accepted; upload a PNG, JPEG or WebP image.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise LogoRefused("Upload a PNG, JPEG, GIF or WebP image.")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise LogoRefused("The image is too large; use one under 4000 x 4000 pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            image.load()
            rgba = image.convert("RGBA")
    except LogoRefused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as exc:
        raise LogoRefused("This file is not an image we can read.") from exc
    rgba.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image from the pixels alone: nothing of the upload's metadata comes along.
    clean = Image.new("RGBA", rgba.size)
    clean.paste(rgba)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def store_logo(png: bytes) -> str:
    """Store a cleaned logo under a new generated key (the uploads' storage); the key."""
    return kits.store_upload(png, MEDIA_TYPE)


def read_logo(key: str) -> bytes | None:
    """A stored logo's bytes, or None when it is missing."""
    return kits.read_upload(key)


def logo_response(data: bytes, cache_seconds: int) -> Response:
    """A logo's bytes as the answer: an attachment for downloads, an image for <img>."""
    response = Response(data, mimetype=MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="logo.png"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    if cache_seconds:
        response.cache_control.public = True
        response.cache_control.max_age = cache_seconds
    else:
        response.cache_control.no_store = True
    return response
