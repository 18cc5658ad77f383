"""Markdown to sanitised HTML, done once per document at load (see portal.content.rendering).

Content is GitHub-flavoured Markdown, rendered by cmark-gfm exactly as GitHub previews it
(portal.content.gfm); headings then move one level down and get GitHub's ids
(portal.content.headings). nh3 (ammonia) is the only sanitiser: it keeps formatting tags only,
so content can never inject scripts, styles, event handlers or `javascript:` URLs. External links
get `rel="noopener noreferrer"`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection

import nh3

from portal.content.callouts import CALLOUT_CLASSES, TITLE_CLASS, fence_languages, render_callouts
from portal.content.gfm import gfm_to_html
from portal.content.headings import PAGE_IDS, shift_headings

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "samp", "section", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    # aria-label: the accessible name of a footnote's back link ("Back to reference 1").
    "a": {"href", "title", "id", "class", "aria-label"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    # Table alignment as `align` attributes: the CSP forbids inline styles.
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id", "class"},
    "section": {"class"},
    "code": {"class"},
    "span": {"class"},
    "input": {"checked"},
    **{tag: {"id"} for tag in _HEADINGS},
}
# A task list item's box: whatever an <input> was written as, it is a disabled checkbox, named
# for screen readers (read as "Done, check box, checked" or "... not checked").
_INPUT_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": "", "aria-label": "Done"}}
# Classes the portal's CSS styles: a callout box and its title (any other class is dropped;
# ammonia wants these tags' `class` here only, not in ALLOWED_ATTRIBUTES).
ALLOWED_CLASSES = {"div": set(CALLOUT_CLASSES), "p": {TITLE_CLASS}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

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
        set_tag_attribute_values=_INPUT_ATTRIBUTES,
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
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
    """cmark-gfm, then heading levels and ids, then the sanitiser. Holds no state: any thread."""

    def render(self, text: str, reserved: Collection[str] = PAGE_IDS) -> str:
        """Markdown text to sanitised HTML ("" for blank text); headings avoid `reserved` ids."""
        if not text.strip():
            return ""
        # cmark ends every block with a newline: the last one is not part of the content.
        raw = render_callouts(fence_languages(gfm_to_html(text).rstrip("\n")))
        return sanitize_html(shift_headings(raw, reserved))


_renderer = MarkdownRenderer()


def render_markdown(text: str, reserved: Collection[str] = PAGE_IDS) -> str:
    """Markdown text to sanitised HTML; no heading takes one of the `reserved` ids."""
    if not text.strip():
        return ""
    return _renderer.render(text, reserved)
