"""WTForms as every feature's forms use it, typed: the choice class and a validated field's text."""

from __future__ import annotations

from wtforms import StringField

# types-WTForms (3.2) lacks SelectChoice, which WTForms 3.3 added: the stubs are wrong, not
# the import. Forms import it from here so this is the one place that says so.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

__all__ = ["SelectChoice", "field_text"]


def field_text(field: StringField) -> str:
    """The text of a field of a validated form; '' for a field the request left out.

    WTForms keeps None in a text field the request did not send at all. A required field does
    not validate without text, and an optional field left out means the same as left empty.
    """
    return field.data or ""
