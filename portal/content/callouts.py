"""GitHub's callouts (`> [!NOTE]`) as boxes, and fence info strings reduced to a language.

cmark-gfm renders a callout as an ordinary quote whose first paragraph starts with `[!NOTE]`;
GitHub turns such a quote into a titled box after parsing, and so does this module, on
cmark-gfm's HTML before the sanitiser: the quote becomes
`<div class="callout callout-note"><p class="callout-title">Note</p>...</div>`. The five kinds
are GitHub's; any other `[!WORD]` stays a quote, as on GitHub. Nested quotes are matched by a
stack, so only the callout's own closing tag changes.

A fence's info string is the language and, after a comma or a space, extras for other tools
(` ```rust,ignore `): only the language names the code (`language-rust`), as on GitHub.
"""

from __future__ import annotations

import re

CALLOUT_KINDS = {
    "note": "Note",
    "tip": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
}
CALLOUT_CLASSES = frozenset({"callout", *(f"callout-{kind}" for kind in CALLOUT_KINDS)})
TITLE_CLASS = "callout-title"

_QUOTE_TAG = re.compile(r"<(/?)blockquote>")
# The marker alone on the quote's first line: followed by the end of the paragraph or a newline.
_MARKER = re.compile(r"\n<p>\[!([A-Za-z]+)\](</p>\n|\n)")
_LANGUAGE = re.compile(r'<code class="language-([^",\s{]+)[^"]*">')


def render_callouts(raw_html: str) -> str:
    """cmark-gfm's HTML with every GitHub callout quote turned into a callout box."""
    if "[!" not in raw_html:
        return raw_html
    out: list[str] = []
    stack: list[bool] = []  # for each open quote: is it a callout?
    position = 0
    for tag in _QUOTE_TAG.finditer(raw_html):
        out.append(raw_html[position : tag.start()])
        position = tag.end()
        if tag.group(1):  # closing
            out.append("</div>" if stack and stack.pop() else tag.group(0))
            continue
        marker = _MARKER.match(raw_html, tag.end())
        kind = marker.group(1).lower() if marker else ""
        if marker is None or kind not in CALLOUT_KINDS:
            stack.append(False)
            out.append(tag.group(0))
            continue
        stack.append(True)
        rest = "\n<p>" if marker.group(2) == "\n" else "\n"
        out.append(
            f'<div class="callout callout-{kind}">\n'
            f'<p class="{TITLE_CLASS}">{CALLOUT_KINDS[kind]}</p>{rest}'
        )
        position = marker.end()
    out.append(raw_html[position:])
    return "".join(out)


def fence_languages(raw_html: str) -> str:
    """`class="language-rust,ignore"` -> `class="language-rust"` (the language alone)."""
    if '"language-' not in raw_html:
        return raw_html
    return _LANGUAGE.sub(r'<code class="language-\1">', raw_html)
