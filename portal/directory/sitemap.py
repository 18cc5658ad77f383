"""The directory's sitemap.xml: one query, the XML written as text, an ETag for revalidation.

At 5,000 listed partners, building each profile's URL through the URL map and rendering a
Jinja loop per URL cost more than the query; the URL prefix is built once and the lines are
joined. The ETag is a hash of the body, so a crawler that revalidates gets a 304 (no body)
while nothing changed. There is no Last-Modified: a partner leaving the directory leaves no
timestamp behind, so a date could claim "not modified" over a removal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

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
