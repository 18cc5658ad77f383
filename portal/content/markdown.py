"""Markdown to sanitised HTML, done once per document at load (see portal.content.rendering).

Python-Markdown renders; nh3 (ammonia) then keeps only formatting tags, so content can never
inject scripts, styles, event handlers or `javascript:` URLs. External links get
`rel="noopener noreferrer"`.
"""

from __future__ import annotations

import html
import re
import threading

import markdown as markdown_lib
import nh3
from markdown.extensions.toc import slugify as toc_slugify

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    **{tag: {"id"} for tag in _HEADINGS},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_EXTENSIONS = ["extra", "sane_lists", "toc"]


# Table alignment as `align` attributes: the CSP forbids inline styles.
# Lessons start at <h2>: the page's own title is its only <h1> (accessible heading order).
def _heading_id(value: str, separator: str) -> str:
    # Prefixed so a heading called "Main" or "Quiz" never takes an id the page itself uses.
    return "section-" + toc_slugify(value, separator)


_EXTENSION_CONFIGS = {
    "extra": {"tables": {"use_align_attribute": True}},
    "toc": {"baselevel": 2, "slugify": _heading_id},
}

_ANCHOR_TAG = re.compile(r"<a\s[^>]*>")
_HREF = re.compile(r'\shref="([^"]*)"')
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_REL = ' rel="noopener noreferrer"'


def sanitize_html(raw_html: str) -> str:
    """Keep only safe formatting markup; mark external links `noopener noreferrer`."""
    cleaned = nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )
    return _ANCHOR_TAG.sub(_mark_external, cleaned)


def _mark_external(match: re.Match[str]) -> str:
    tag = match.group(0)
    href = _HREF.search(tag)
    if href is None or not _EXTERNAL.match(html.unescape(href.group(1))):
        return tag
    return tag[:-1] + _REL + ">"


def link_targets(safe_html: str) -> list[str]:
    """The `href` of every link in sanitised HTML, unescaped, in document order."""
    return [
        html.unescape(m.group(1)) for m in _HREF.finditer(" ".join(_ANCHOR_TAG.findall(safe_html)))
    ]


class MarkdownRenderer:
    """One reusable Python-Markdown instance (reset between documents) plus the sanitiser."""

    def __init__(self) -> None:
        self._md = markdown_lib.Markdown(
            extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
        )

    def render(self, text: str) -> str:
        """Markdown text to sanitised HTML ("" for blank text)."""
        if not text.strip():
            return ""
        try:
            raw = self._md.convert(text)
        finally:
            self._md.reset()
        return sanitize_html(raw)


# Python-Markdown instances keep state while converting, so each thread gets its own: loads in
# different threads (a development reload, the CLI) never share one and never wait on a lock.
_per_thread = threading.local()


def render_markdown(text: str) -> str:
    """Markdown text to sanitised HTML with this thread's own renderer."""
    if not text.strip():
        return ""
    renderer: MarkdownRenderer | None = getattr(_per_thread, "renderer", None)
    if renderer is None:
        renderer = _per_thread.renderer = MarkdownRenderer()
    return renderer.render(text)
