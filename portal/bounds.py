"""Length first: a form field's text is measured before anything else reads it.

WTForms runs every validator of a field even after one has failed, and the form's own
`validate_<field>` methods after those: a `Length(max=...)` that fails does not stop an e-mail
parser or a pattern from reading 60,000 characters. `MaxLength` is `Length` that stops the
chain (StopValidation) with the same message and the same `maxlength` attribute on the input.
Every text field a person types into carries one (tests/test_bounds.py checks every form).
"""

from __future__ import annotations

from typing import Any

from wtforms.validators import Length, StopValidation, ValidationError

__all__ = ["MaxLength"]


class MaxLength(Length):
    """At most `max` characters; longer text gets the message and no further checks."""

    def __init__(self, max: int, message: str | None = None) -> None:
        super().__init__(max=max, message=message)

    def __call__(self, form: Any, field: Any) -> None:
        try:
            super().__call__(form, field)
        except ValidationError as too_long:
            raise StopValidation(str(too_long)) from None
