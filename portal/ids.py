"""The one id type: every id that comes from a request (URL, query string, form) is read here.

An id is 1 to `ID_MAX` written in ASCII digits without a leading zero. The text is bounded
before `int()` runs: Python refuses to convert more than 4,300 digits (a ValueError, so a 500
where nobody caught it), and a number past the column's range is an error from the database
(SQLite overflows at 2**63, PostgreSQL's `integer` at 2**31). Anything else is simply no id:
"not found" for a URL, a message beside a form field, the unfiltered page for a query argument.

Three doors, one rule: `parse_id` for code that holds a string, `IdConverter` for routes
(`<id:referral_id>`, registered by portal.http), `IdField` for forms, GET filter forms included.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, ValidationError
from wtforms import Field
from wtforms.widgets import TextInput

__all__ = ["ID_MAX", "ID_PATTERN", "IdConverter", "IdField", "parse_id"]

# The largest id every id column holds on every database we run. The ids are PostgreSQL
# `integer` columns (32-bit), and SQLAlchemy casts each bound id to INTEGER, so 2**31 would be
# "integer out of range" (a 500) rather than "not found". Moving the ids to `bigint` (one
# migration of every key) is what lets this become 2**63 - 1; nothing else changes then.
ID_MAX = 2**31 - 1
_ID_DIGITS = len(str(ID_MAX))
# What a URL segment must look like to be an id at all (the converter's routing regex).
ID_PATTERN = rf"[1-9][0-9]{{0,{_ID_DIGITS - 1}}}"


def parse_id(text: Any) -> int | None:
    """The id written in `text` ("42"), or None when it is not one (never raises)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not 0 < len(text) <= _ID_DIGITS or not text.isascii() or not text.isdigit():
        return None
    if text[0] == "0":
        return None
    value = int(text)
    return value if value <= ID_MAX else None


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: an id, else the URL matches nothing (404).

    An IntegerConverter (code that asks "is this a number in the URL?" still gets yes), with
    ASCII digits only, no leading zero, and the id range.
    """

    regex = ID_PATTERN
    part_isolating = True

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
            raise ValueError(f"not an id: {value!r}")
        return str(value)


class IdField(Field):
    """A form field holding an id (or None when left empty); anything else is a message."""

    widget = TextInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        self.message = kwargs.pop("message", "Enter a number from 1 to {max:,}.")
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])[: _ID_DIGITS * 2]
        return str(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        self.data = parse_id(valuelist[0])
        if self.data is None:
            raise ValueError(self.message.format(max=ID_MAX))
