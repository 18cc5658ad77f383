"""YAML with line numbers, and Markdown files split into front matter and body.

Every mapping and list parsed here remembers the file line of each key and item, so any later
check can report `path:line`. Line numbers are 1-based lines of the file, not of the YAML text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

# libyaml's parser when available; the events are turned into values here, not by PyYAML's
# constructors (much faster, and every value gets its line).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 1

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[object, int] = {}

    def line_of(self, key: object) -> int:
        """The file line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int = 1

    def __init__(self, *args: object):
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """The file line of item `index`, or of the list itself."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line

    def line_of_value(self, value: object) -> int:
        """The file line of the first item equal to `value` (text compared stripped)."""
        for index, item in enumerate(self):
            if item == value or (isinstance(item, str) and item.strip() == value):
                return self.line_of(index)
        return self.line


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0x[0-9a-fA-F][0-9a-fA-F_]*|0o[0-7][0-7_]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$"
)
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "-.inf": float("-inf"),
    "+.inf": float("inf"),
    ".nan": float("nan"),
}
_TAG = "tag:yaml.org,2002:"
# Plain scalars starting with anything else are always text.
_NEEDS_RESOLVING = frozenset("0123456789+-.~nNtTfF") | {""}
_MERGE = "<<"


class _YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _scalar(event: yaml.ScalarEvent, line: int) -> object:
    """Resolve a scalar like YAML 1.2's core schema: only true/false are booleans, so
    `explain: yes` or a choice "No" stay text; dates stay text too."""
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:  # quoted, or a block scalar
            return value
        return _plain(value)
    kind = tag[len(_TAG) :] if tag.startswith(_TAG) else ""
    if kind == "str":
        return value
    if kind in ("int", "float", "bool", "null"):
        resolved = _plain(value)
        if kind == "float" and isinstance(resolved, int | float):
            return float(resolved)
        if kind == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
            return resolved
        if (kind == "bool" and isinstance(resolved, bool)) or (kind == "null" and resolved is None):
            return resolved
        raise _YamlProblem(line, f"invalid YAML: {value!r} is not a valid !!{kind}")
    raise _YamlProblem(line, f"invalid YAML: unsupported tag {tag}")


def _plain(value: str) -> object:
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    first = value[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(value):
            digits = value.replace("_", "")
            return int(digits, 0) if "x" in digits or "o" in digits else int(digits)
        if _FLOAT.match(value):
            return float(value.replace("_", ""))
        lowered = value.lower()
        if lowered in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[lowered]
    return value


class _Builder:
    """Turns libyaml's event stream into LineDict / LineList / scalars with file lines."""

    def __init__(self, line_offset: int):
        self.offset = line_offset + 1
        self.stack: list[list] = []  # [container, anchor, pending key, key line, merges]
        self.anchors: dict[str, object] = {}
        self.documents = 0
        self.root: object = None
        self.duplicates: list[tuple[int, str]] = []

    def run(self, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        """Consume every event of `loader` (the hot loop of content loading)."""
        get_event = loader.get_event
        offset = self.offset
        add = self._add
        scalar_event = yaml.ScalarEvent
        while (event := get_event()) is not None:
            if isinstance(event, scalar_event):
                # The parser marks every event it emits; only an event built by hand has none.
                line = (event.start_mark.line if event.start_mark else 0) + offset
                if event.tag is None and event.implicit[0]:
                    value = event.value
                    add(
                        _plain(value) if value[:1] in _NEEDS_RESOLVING else value,
                        line,
                        event.anchor,
                    )
                else:
                    add(_scalar(event, line), line, event.anchor)
            else:
                self._structure(event, type(event))

    def _structure(self, event: yaml.Event, kind: type) -> None:
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            container, anchor, _, _, merges = self.stack.pop()
            for merged in merges:
                for key, value in merged.items():
                    if key not in container:
                        container[key] = value
                        container.key_lines[key] = merged.line_of(key)
            self._add(container, container.line, anchor)
            return
        line = (event.start_mark.line if event.start_mark else 0) + self.offset
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            container = LineDict() if kind is yaml.MappingStartEvent else LineList()
            container.line = line
            self.stack.append([container, event.anchor, _NO_KEY, line, []])
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise _YamlProblem(line, f"invalid YAML: unknown alias *{event.anchor}")
            self._add(self.anchors[event.anchor], line, None)
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise _YamlProblem(line, "invalid YAML: expected one document, found another")

    def _add(self, value: object, line: int, anchor: str | None) -> None:
        if anchor:
            self.anchors[anchor] = value
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if type(container) is LineList:
            container.append(value)
            container.item_lines.append(line)
        elif frame[2] is _NO_KEY:
            if isinstance(value, LineDict | LineList):
                raise _YamlProblem(line, "invalid YAML: a mapping key must be a plain value")
            frame[2] = value
            frame[3] = line
        else:
            key, key_line = frame[2], frame[3]
            frame[2] = _NO_KEY
            if key == _MERGE and isinstance(value, LineDict | LineList):
                merges = value if isinstance(value, LineList) else [value]
                frame[4].extend(m for m in merges if isinstance(m, LineDict))
                return
            if key in container:
                self.duplicates.append((key_line, f"duplicate key '{key}'"))
            container[key] = value
            container.key_lines[key] = key_line


_NO_KEY = object()


@dataclass
class YamlResult:
    """Parsed YAML data, or the errors that stopped the parse (as `(line, message)`)."""

    data: object = None
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_yaml(text: str, line_offset: int = 0) -> YamlResult:
    """Parse `text` as YAML; `line_offset` is the number of file lines before the text."""
    builder = _Builder(line_offset)
    loader = _Loader(text)
    try:
        builder.run(loader)
    except _YamlProblem as exc:
        return YamlResult(errors=[(exc.line, exc.message)])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else line_offset + 1
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        return YamlResult(errors=[(line, f"invalid YAML: {detail}")])
    except yaml.YAMLError as exc:
        return YamlResult(errors=[(line_offset + 1, f"invalid YAML: {exc}")])
    finally:
        loader.dispose()
    return YamlResult(data=builder.root, errors=builder.duplicates)


@dataclass
class Document:
    """A Markdown file split into its front matter and body."""

    meta: object
    body: str
    body_line: int  # file line of the body's first line
    errors: list[tuple[int, str]] = field(default_factory=list)


def split_front_matter(text: str) -> Document:
    """Split `---` front matter from a Markdown body and parse it; errors carry file lines."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Document(
            meta=None,
            body=text,
            body_line=1,
            errors=[(1, "missing front matter: the file must start with a line '---'")],
        )
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            closing = number
            break
    else:
        return Document(
            meta=None,
            body="",
            body_line=1,
            errors=[(1, "front matter is not closed: add a second line '---' after it")],
        )
    parsed = parse_yaml("\n".join(lines[1:closing]), line_offset=1)
    body = "\n".join(lines[closing + 1 :])
    return Document(meta=parsed.data, body=body, body_line=closing + 2, errors=parsed.errors)
