"""Checking an SVG from content (the vendor's logo, an SVG favicon) before the portal serves it.

The portal shows these files as images (`<img>`), where scripts never run; but anyone may open
the file's own address, where they would. So an SVG with a script, an event handler, a
`javascript:` link, a reference to another site or a document type (entity expansion) is
refused with the line it is on, rather than cleaned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.parsers import expat

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Elements that run code, embed other documents or pull in other content.
FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
)
# Animation can set any attribute (an href to "javascript:...") after the file was checked.
ANIMATION_ELEMENTS = frozenset({"animate", "set", "animatemotion", "animatetransform"})
_HREF_ATTRIBUTES = frozenset({"href", "src"})
# Anywhere in the value: a list such as `values="#;javascript:..."` holds several addresses.
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


MAX_PROBLEMS = 20  # a file with more is reported by its first twenty


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _SvgWalk:
    """One pass of expat over the file, collecting (line, problem) as elements go by."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        # One text callback per run of text, so "@imp" and "ort" never arrive apart.
        self.parser.buffer_text = True
        self.problems: list[tuple[int, str]] = []
        self.elements = 0
        self.open_styles = 0
        self.parser.StartDoctypeDeclHandler = self.no_doctype
        self.parser.EntityDeclHandler = self.no_doctype
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.ProcessingInstructionHandler = self.instruction

    def refuse(self, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Refused(self.parser.CurrentLineNumber, "... and more problems after these")
        self.problems.append((self.parser.CurrentLineNumber, message))

    def no_doctype(self, *_args: object) -> None:
        raise _Refused(self.parser.CurrentLineNumber, "an SVG may not declare a document type")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if self.elements == 0:
            if local != "svg" or namespace != SVG_NAMESPACE:
                self.refuse(f"the file is not an SVG image: its root element is <{local}>")
            if "viewBox" not in attributes:
                self.refuse("the <svg> element needs a viewBox, so it can be drawn at any size")
        self.elements += 1
        if local.lower() in FORBIDDEN_ELEMENTS:
            self.refuse(
                f"<{local}> is not allowed in an SVG image (it can run code or embed pages)"
            )
        if local.lower() in ANIMATION_ELEMENTS:
            self.refuse(f"<{local}> is not allowed in an SVG logo (animation can change links)")
        if local == "style":
            self.open_styles += 1
        for attribute, value in attributes.items():
            self.attribute(attribute.rpartition(" ")[2], value)

    def attribute(self, name: str, value: str) -> None:
        if name.lower().startswith("on"):
            self.refuse(f"event handler attribute {name!r} is not allowed (it runs a script)")
        elif name in _HREF_ATTRIBUTES and not value.strip().startswith("#"):
            self.refuse(
                f"{name}={value[:80]!r} refers to something outside the file: "
                "an SVG image must be self-contained (only #fragment references)"
            )
        elif found := _SCRIPT_SCHEME.search(value):
            scheme = found.group(0).rstrip(": \t\n\r\f").lower()
            self.refuse(f"{name} holds a {scheme}: address")
        elif name == "style":
            _check_style(value, self.refuse)

    def end(self, name: str) -> None:
        if name.endswith(" style"):
            self.open_styles -= 1

    def text(self, value: str) -> None:
        if self.open_styles:
            _check_style(value, self.refuse)

    def instruction(self, target: str, _data: str) -> None:
        self.refuse(f"processing instruction <?{target}?> is not allowed")


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """Why `data` is not a safe, self-contained SVG image, as (line, message); empty when it is."""
    walk = _SvgWalk()
    try:
        walk.parser.Parse(data, True)
    except _Refused as exc:
        return [*walk.problems, (exc.line, exc.message)]
    except expat.ExpatError as exc:
        message = f"the SVG is not well-formed XML: {expat.ErrorString(exc.code)}"
        return [*walk.problems, (exc.lineno, message)]
    return walk.problems


def _check_style(css: str, refuse: Callable[[str], None]) -> None:
    if "\\" in css:
        # CSS escapes can spell url( or @import past a plain search; a logo's style needs none.
        refuse("a backslash (CSS escape) in a style is not allowed in an SVG image")
        return
    lowered = css.lower()
    if "@import" in lowered:
        refuse("@import in a style is not allowed: an SVG image must be self-contained")
        return
    start = lowered.find("url(")
    while start != -1:
        target = lowered[start + 4 : start + 4 + 2048].lstrip(" \t\n\r\f'\"")
        if not target.startswith("#"):
            refuse("url(...) may only name a #fragment: keep the SVG self-contained")
            return
        start = lowered.find("url(", start + 4)
