"""What the sanitiser would remove from a text, reported instead of dropped quietly.

nh3 keeps only the formatting markup of portal.content.markdown: a tag it does not allow goes
(its text stays), and so do an attribute or a class it does not allow and a link to a scheme
other than http(s) or mailto. An editor who writes `Replace <customer name> with ...` means the
words, not a tag, so each of these is a check problem with the line and a way to write it.

The check looks at cmark-gfm's raw HTML (before the sanitiser), where raw HTML from the text is
copied verbatim: a tag is the author's when its exact text is in the file (cmark's own tags are
all allowed). Only texts with something that could be a tag or a link are rendered here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from portal.content.gfm import gfm_to_html
from portal.content.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    URL_SCHEMES,
)
from portal.content.model import ContentProblem

# Worth rendering: something like a tag, or a link (inline or a reference definition) whose
# address starts with a scheme other than http(s) or mailto. Most texts have neither.
# Three patterns, each starting with a literal, so the engine jumps between "<" or "](" in a
# large text instead of trying every alternative at every character.
_MAYBE_TAG = re.compile(r"<[A-Za-z/]")
_MAYBE_LINK = re.compile(r"\]\(\s*<?(?!https?:|mailto:)[A-Za-z][\w+.-]*:", re.IGNORECASE)
_MAYBE_DEFINITION = re.compile(
    r"^ {0,3}\[[^\]\n]+\]:\s*<?(?!https?:|mailto:)[A-Za-z][\w+.-]*:",
    re.MULTILINE | re.IGNORECASE,
)


def _maybe_removed(text: str) -> bool:
    return bool(
        _MAYBE_TAG.search(text)
        or _MAYBE_LINK.search(text)
        or ("]:" in text and _MAYBE_DEFINITION.search(text))
    )


_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_URL_ATTRIBUTES = {"a": "href", "img": "src"}
# Attributes the sanitiser sets itself (a task list's box) or that harm nothing when dropped.
_IGNORED = {"input": {"type", "disabled", "checked", "aria-label"}}


def removed_markup(text: str) -> list[tuple[int, str]]:
    """(line within `text`, message) for everything the sanitiser would remove from it."""
    if not _maybe_removed(text):
        return []
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    reported: set[str] = set()
    # The author's own tags, as written (cmark copies raw HTML verbatim): a set, so a large
    # document is not searched once per tag of its HTML.
    written = {m.group(0) for m in _TAG.finditer(text)} if "<" in text else set()
    for match in _TAG.finditer(gfm_to_html(text)):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        snippet = match.group(0)
        own = snippet in written
        if not own and name not in _URL_ATTRIBUTES:
            continue  # cmark's own tag: always an allowed one, with allowed attributes
        if name not in ALLOWED_TAGS:
            if own and not (closing and name in reported):
                reported.add(name)
                found.append((_line(lines, snippet), _tag_message(snippet)))
            continue
        if closing:
            continue
        attributes = [
            (key.lower(), html.unescape(value.strip("\"'")) if value else "")
            for key, value in _ATTRIBUTE.findall(rest)
        ]
        if own:
            found.extend(_attribute_problems(lines, snippet, name, attributes))
        url_attribute = _URL_ATTRIBUTES.get(name)
        for key, value in attributes:
            if key == url_attribute and _unsafe_scheme(value):
                found.append((_line(lines, value), _scheme_message(value)))
    return found


def _attribute_problems(
    lines: list[str], snippet: str, tag: str, attributes: list[tuple[str, str]]
) -> Iterable[tuple[int, str]]:
    allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | _IGNORED.get(tag, set())
    classes = ALLOWED_CLASSES.get(tag)
    for key, value in attributes:
        if key == "class" and classes is not None:
            unknown = sorted(set(value.split()) - classes)
            if unknown:
                yield (
                    _line(lines, snippet),
                    f"{snippet}: class {' '.join(unknown)} would be removed "
                    "(content may only use the classes the portal styles)",
                )
        elif key not in allowed:
            kept = ", ".join(sorted(allowed)) or "none"
            yield (
                _line(lines, snippet),
                f"{snippet}: the {key} attribute would be removed "
                f"(a <{tag}> in content keeps only: {kept})",
            )


def _unsafe_scheme(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower() if ":" in url else ""
    return bool(scheme) and scheme not in URL_SCHEMES


def _tag_message(snippet: str) -> str:
    escaped = snippet.replace("<", "&lt;").replace(">", "&gt;")
    return (
        f"{snippet} looks like an HTML tag and would be removed; write {escaped} or use backticks"
    )


def _scheme_message(url: str) -> str:
    return (
        f"link {url} would be removed: links may only be http(s), mailto "
        "or a portal path starting with /"
    )


def _line(lines: list[str], needle: str) -> int:
    first = needle.split("\n", 1)[0]
    for index, line in enumerate(lines):
        if first in line:
            return index
    return 0


def markup_problems(texts: Iterable[tuple[str, int, str]]) -> list[ContentProblem]:
    """A problem for everything the sanitiser would remove, for each (source, line, text)."""
    return [
        ContentProblem(source, first_line + offset, message)
        for source, first_line, text in texts
        for offset, message in removed_markup(text)
    ]
