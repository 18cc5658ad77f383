"""WTForms as every feature's forms use it, typed: the choice class, a validated field's text,
and the base of every list's filter form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField

# types-WTForms (3.2) lacks SelectChoice, which WTForms 3.3 added: the stubs are wrong, not
# the import. Forms import it from here so this is the one place that says so.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

__all__ = ["ALWAYS_CHOSEN", "FilterForm", "SelectChoice", "field_text"]

# render_kw of a required select whose first option is a real choice: it always sends a value,
# and HTML forbids `required` on such a select (the first option would have to be a blank).
# The validator still refuses a value outside the choices.
ALWAYS_CHOSEN: dict[str, Any] = {"required": False}


def field_text(field: StringField) -> str:
    """The text of a field of a validated form; '' for a field the request left out.

    WTForms keeps None in a text field the request did not send at all. A required field does
    not validate without text, and an optional field left out means the same as left empty.
    """
    return field.data or ""


class FilterForm(FlaskForm):
    """A list's filters and page cursor, read from the query string (a GET form: no CSRF).

    Build it with `formdata=request.args` and call `validate()`; render it inside the
    `filter_form` macro (templates/_macros.html).
    """

    class Meta:
        csrf = False

    def applied(self, *names: str) -> dict[str, Any]:
        """The named filters that have a value, for the query and the page's links.

        None at all when any field is invalid: the page then shows the whole list with the
        field's message (and answers 422) rather than a list filtered by half the request.
        """
        if self.errors:
            return {}
        return {name: self[name].data for name in names if self[name].data not in (None, "")}

    def value(self, name: str, default: Any = None) -> Any:
        """One field's value as `applied` gives it (the page cursor, say), else `default`."""
        return self.applied(name).get(name, default)

    @property
    def status_code(self) -> int:
        """200, or 422 when a filter was refused (after `validate()`)."""
        return 422 if self.errors else 200
