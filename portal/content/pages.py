"""pages/<id>.md: program pages served at /program/<id>."""

from __future__ import annotations

from portal.content import fields as f
from portal.content.agreement import AGREEMENT_KEYS, read_version
from portal.content.fields import Source
from portal.content.frontmatter import Document
from portal.content.library import EVERYONE, STAFF_AUDIENCE, STAFF_ONLY
from portal.content.links import LinkCollector
from portal.content.model import Page

DEFAULT_ORDER = 100


def build_page(src: Source, page_id: str, doc: Document, links: LinkCollector) -> Page | None:
    """Validate one page's front matter and build the page (None when unusable)."""
    meta = f.mapping(src, doc.meta, "front matter", 2)
    if meta is None:
        return None
    what = "page front matter"
    f.check_keys(src, meta, what, ("title",), ("summary", "order", "audience", *AGREEMENT_KEYS))
    version, effective = read_version(src, meta, what)
    links.add_markdown(src.path, doc.body, doc.body_line)
    audience = meta.get("audience")
    if audience is not None and audience != STAFF_AUDIENCE:
        src.report(
            meta.line_of("audience"),
            f"a page's audience can only be '{STAFF_AUDIENCE}' (the partner team only); "
            "leave it out for a page every partner reads",
        )
    return Page(
        id=page_id,
        title=f.text(src, meta, "title", what),
        summary=f.text(src, meta, "summary", what),
        order=f.integer(src, meta, "order", what, default=DEFAULT_ORDER),
        body=doc.body,
        source=src.path,
        audience=STAFF_ONLY if audience == STAFF_AUDIENCE else EVERYONE,
        version=version,
        effective=effective,
    )


def page_sort_key(page: Page) -> tuple[int, str, str]:
    """Pages list by `order`, then title (then id, so the order is total)."""
    return (page.order, page.title.casefold(), page.id)
