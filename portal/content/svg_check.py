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
_HREF_ATTRIBUTES = frozenset({"href", "src"})
_SCRIPT_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """Why `data` is not a safe, self-contained SVG image, as (line, message); empty when it is."""
    parser = expat.ParserCreate(namespace_separator=" ")
    problems: list[tuple[int, str]] = []
    depth = {"elements": 0, "in_style": 0}

    def refuse(message: str) -> None:
        problems.append((parser.CurrentLineNumber, message))

    def no_doctype(*_args: object) -> None:
        raise _Refused(parser.CurrentLineNumber, "an SVG may not declare a document type")

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if depth["elements"] == 0 and (local != "svg" or namespace != SVG_NAMESPACE):
            refuse(f"the file is not an SVG image: its root element is <{local}>, not <svg>")
        if depth["elements"] == 0 and "viewBox" not in attributes:
            refuse("the <svg> element needs a viewBox, so the image can be drawn at any size")
        depth["elements"] += 1
        if local.lower() in FORBIDDEN_ELEMENTS:
            refuse(f"<{local}> is not allowed in an SVG image (it can run code or embed pages)")
        if local == "style":
            depth["in_style"] += 1
        for attribute, value in attributes.items():
            attr = attribute.rpartition(" ")[2]
            if attr.lower().startswith("on"):
                refuse(f"event handler attribute {attr!r} is not allowed (it runs a script)")
            elif attr in _HREF_ATTRIBUTES and not value.strip().startswith("#"):
                refuse(
                    f"{attr}={value[:80]!r} refers to something outside the file: "
                    "an SVG image must be self-contained (only #fragment references)"
                )
            elif _SCRIPT_SCHEME.match(value):
                refuse(f"{attr} holds a {value.split(':', 1)[0].strip()}: address")
            elif attr == "style":
                _check_style(value, refuse)

    def end(name: str) -> None:
        if name.endswith(" style"):
            depth["in_style"] -= 1

    def instruction(target: str, _data: str) -> None:
        refuse(f"processing instruction <?{target}?> is not allowed")

    def text(value: str) -> None:
        if depth["in_style"]:
            _check_style(value, refuse)

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        return [(exc.line, exc.message)]
    except expat.ExpatError as exc:
        return [(exc.lineno, f"the SVG is not well-formed XML: {expat.ErrorString(exc.code)}")]
    return problems


def _check_style(css: str, refuse: Callable[[str], None]) -> None:
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
