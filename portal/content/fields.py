"""Typed reading of parsed YAML: every wrong key or value becomes a `path:line` problem.

The readers never raise on bad content; they report and return a fallback, so one load
collects every problem in the directory.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import overload

from portal.content.frontmatter import LineDict, LineList
from portal.content.model import ContentProblem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: object) -> bool:
    """True for a lower-case slug: `a-z`, `0-9` and single inner hyphens."""
    return isinstance(value, str) and SLUG.match(value) is not None


@dataclass
class Source:
    """One content file being read: its path relative to the root and the shared problem list."""

    path: str
    problems: list[ContentProblem] = field(default_factory=list)

    def report(self, line: int, message: str) -> None:
        """Record a problem at `line` of this file."""
        self.problems.append(ContentProblem(self.path, line, message))


def mapping(src: Source, value: object, what: str, line: int) -> LineDict | None:
    """`value` if it is a mapping, else report that `what` must be one."""
    if isinstance(value, LineDict):
        return value
    src.report(line, f"{what} must be a mapping of keys to values")
    return None


def check_keys(
    src: Source,
    data: LineDict,
    what: str,
    required: Iterable[str],
    optional: Iterable[str] = (),
) -> None:
    """Report keys of `data` that are unknown, and required keys that are missing."""
    required = tuple(required)
    allowed = sorted((*required, *optional))
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            did_you_mean = f"did you mean '{hint[0]}'? " if hint else ""
            src.report(
                data.line_of(key),
                f"unknown key '{key}' in {what} ({did_you_mean}allowed: {', '.join(allowed)})",
            )
    for key in required:
        if key not in data:
            src.report(data.line, f"missing required key '{key}' in {what}")


def text(src: Source, data: LineDict, key: str, what: str, default: str = "") -> str:
    """A string value (numbers are not silently turned into text)."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        src.report(data.line_of(key), f"'{key}' in {what} must be text, not {_kind(value)}")
        return default
    return value.strip()


@overload
def integer(
    src: Source,
    data: LineDict,
    key: str,
    what: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: int,
) -> int: ...


@overload
def integer(
    src: Source,
    data: LineDict,
    key: str,
    what: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: None = None,
) -> int | None: ...


def integer(
    src: Source,
    data: LineDict,
    key: str,
    what: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: int | None = None,
) -> int | None:
    """A whole number within `minimum`..`maximum` (both inclusive, either optional)."""
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        src.report(data.line_of(key), f"'{key}' in {what} must be a whole number, not {value!r}")
        return default
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        src.report(
            data.line_of(key), f"'{key}' in {what} must be {_range(minimum, maximum)}, not {value}"
        )
        return default
    return value


def boolean(src: Source, data: LineDict, key: str, what: str, default: bool) -> bool:
    """`true` or `false`."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        src.report(data.line_of(key), f"'{key}' in {what} must be true or false, not {value!r}")
        return default
    return value


def slug(src: Source, data: LineDict, key: str, what: str) -> str | None:
    """A slug id, or None (reported when present but not a slug; absence is checked elsewhere)."""
    value = data.get(key)
    if value is None:
        return None
    if not is_slug(value):
        src.report(
            data.line_of(key),
            f"'{key}' in {what} must be a lower-case slug (a-z, 0-9, -), not {value!r}",
        )
        return None
    return value


def item_list(src: Source, data: LineDict, key: str, what: str) -> LineList | None:
    """A YAML list (absent → None)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, LineList):
        src.report(data.line_of(key), f"'{key}' in {what} must be a list")
        return None
    return value


def text_list(src: Source, data: LineDict, key: str, what: str) -> tuple[str, ...]:
    """A list of non-empty strings (absent → empty)."""
    items = item_list(src, data, key, what)
    if items is None:
        return ()
    result = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            src.report(items.line_of(index), f"each item of '{key}' in {what} must be text")
            continue
        result.append(item.strip())
    return tuple(result)


def unique(src: Source, seen: dict[str, int], value: str | None, line: int, what: str) -> None:
    """Report `value` when it was already seen (remember its first line otherwise)."""
    if value is None:
        return
    if value in seen:
        src.report(line, f"duplicate {what} '{value}' (first used on line {seen[value]})")
    else:
        seen[value] = line


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"between {minimum} and {maximum}"
    if minimum is not None:
        return f"at least {minimum}"
    return f"at most {maximum}"
