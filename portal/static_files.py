"""Static files: served by WhiteNoise, compressed, under content-hashed names cached for a year.

Flask has no manifest storage, so the app builds one at start: each file under `portal/static`
gets a copy named with the first 12 hex digits of its SHA-256 (`css/app.3f2a1b9c0d4e.css`),
with gzip and brotli variants beside it, in STATIC_BUILD_DIR. `url_for('static', ...)` then
answers the hashed name (a `url_defaults` hook: templates keep writing plain `url_for`), and
WhiteNoise marks hashed names immutable. Why a build at start rather than a query string:
a `?v=hash` cannot tell WhiteNoise which responses are immutable (it sees paths only), and a
stale cached page asking for the old file still gets the old bytes. Why not a build step at
install: a forgotten step would serve pages pointing at files that do not exist; at start the
build cannot be skipped, takes a few milliseconds when the copies are already there, and every
write is atomic (several workers may start at once).

In debug mode (`make run`) names stay plain and WhiteNoise re-reads the folder on every request,
so an edited stylesheet shows on reload.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

__all__ = ["HASHED_NAME", "IMMUTABLE_CACHE", "build_static", "hashed_name", "init_app"]

EXTENSION_KEY = "static_manifest"
HASH_LENGTH = 12
# A name the build wrote: `<stem>.<12 hex>.<ext>`. Only these are cached for good.
HASHED_NAME = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}\.[A-Za-z0-9]+$")
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# Browsers revalidate a plain name after a minute (a page cached elsewhere may still use one).
PLAIN_MAX_AGE_SECONDS = 60
_COMPRESSOR = Compressor(quiet=True)


def hashed_name(relative: str, data: bytes) -> str:
    """`css/app.css` with content `data` -> `css/app.<12 hex of sha256>.css`."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    folder, _, name = relative.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    hashed = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def _write_atomically(target: Path, data: bytes) -> None:
    if target.exists():
        return  # same name, same content: the hash says so
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_static(source: Path, build: Path) -> dict[str, str]:
    """Write hashed copies of every file under `source` (and their .gz/.br) into `build`.

    Returns the manifest: plain relative name -> hashed relative name. Old copies stay, so a
    page rendered before a deploy still finds its files.
    """
    manifest: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        data = path.read_bytes()
        hashed = hashed_name(relative, data)
        manifest[relative] = hashed
        target = build / hashed
        _write_atomically(target, data)
        if _COMPRESSOR.should_compress(path.name):
            for suffix, compress in (
                (".gz", Compressor.compress_gzip),
                (".br", Compressor.compress_brotli),
            ):
                variant = target.with_name(target.name + suffix)
                if variant.exists():
                    continue
                packed = compress(data)
                if len(packed) < len(data) * 0.95:  # WhiteNoise's own rule: worth it or not
                    _write_atomically(variant, packed)
    return manifest


def _cache_headers(headers: Any, path: str, url: str) -> None:
    """A year and `immutable` for hashed names; nosniff everywhere (no after_request here)."""
    if HASHED_NAME.search(url):
        headers["Cache-Control"] = IMMUTABLE_CACHE
    headers["X-Content-Type-Options"] = "nosniff"


def _hashed_static_url(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "filename" not in values:
        return
    manifest: Mapping[str, str] = current_app.extensions.get(EXTENSION_KEY) or {}
    values["filename"] = manifest.get(values["filename"], values["filename"])


def init_app(app: Flask) -> None:
    """Build the hashed copies, point `url_for('static')` at them and serve with WhiteNoise."""
    assert app.static_folder is not None
    source = Path(app.static_folder)
    prefix = "static/"
    debug = bool(app.debug)
    whitenoise = WhiteNoise(
        app.wsgi_app,
        autorefresh=debug,
        max_age=PLAIN_MAX_AGE_SECONDS,
        allow_all_origins=False,
        add_headers_function=_cache_headers,
        immutable_file_test=lambda path, url: bool(HASHED_NAME.search(url)),
    )
    whitenoise.add_files(str(source), prefix=prefix)
    if not debug:
        build = Path(app.config["STATIC_BUILD_DIR"])
        app.extensions[EXTENSION_KEY] = build_static(source, build)
        whitenoise.add_files(str(build), prefix=prefix)
        app.url_defaults(_hashed_static_url)
    # Flask's documented way to add WSGI middleware; Flask's types declare wsgi_app a method.
    app.wsgi_app = whitenoise  # type: ignore[method-assign]
