"""The directory's sitemap.xml: one query, the XML written as text, an ETag for revalidation.

At 5,000 listed partners, building each profile's URL through the URL map and rendering a
Jinja loop per URL cost more than the query; the URL prefix is built once and the lines are
joined, and each worker keeps the result for DIRECTORY_SITEMAP_CACHE_SECONDS (5 minutes;
the answer tells caches an hour anyway). The ETag is a hash of the body, so a crawler that
revalidates gets a 304 (no body) while nothing changed. There is no Last-Modified: a partner
leaving the directory leaves no timestamp behind, so a date could claim "not modified" over
a removal.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from flask import Flask

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
TAIL = "</urlset>\n"


def sitemap_body(
    index_url: str, profile_prefix: str, pages: Iterable[tuple[str, datetime | None]]
) -> str:
    """The sitemap: the list's URL, then `profile_prefix` + slug for each (slug, published)."""
    lines = [HEAD, f"  <url><loc>{escape(index_url)}</loc></url>\n"]
    prefix = escape(profile_prefix)
    for slug, published in pages:
        lastmod = f"<lastmod>{published:%Y-%m-%d}</lastmod>" if published else ""
        lines.append(f"  <url><loc>{prefix}{escape(quote(slug, safe=''))}</loc>{lastmod}</url>\n")
    lines.append(TAIL)
    return "".join(lines)


def body_etag(body: str) -> str:
    """A strong validator for the body (same bytes, same tag)."""
    return hashlib.blake2b(body.encode(), digest_size=16).hexdigest()


class SitemapCache:
    """One worker's copy of the sitemap and its ETag, made again once `seconds` have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._made_at: float | None = None
        self._body = ""
        self._etag = ""

    def get(self, now: float, make: Callable[[], str]) -> tuple[str, str]:
        """(body, ETag): the kept ones while fresh, else `make()`'s (kept for next time)."""
        with self._lock:
            fresh = self._made_at is not None and now - self._made_at < self.seconds
            if not fresh:
                self._body = make()
                self._etag = body_etag(self._body)
                self._made_at = now
            return self._body, self._etag


def sitemap_cache(app: Flask) -> SitemapCache:
    """The app's sitemap cache (one per app, so tests' apps never share one)."""
    cache = app.extensions.get("directory_sitemap")
    if cache is None:
        cache = SitemapCache(float(app.config["DIRECTORY_SITEMAP_CACHE_SECONDS"]))
        app.extensions["directory_sitemap"] = cache
    return cache
