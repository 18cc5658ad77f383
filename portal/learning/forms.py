"""Learning forms: buttons that change state (CSRF only) and the revoke reason.

A quiz's answer fields depend on the attempt's plan, so they are read by
`grading.parse_answers`; the form object here carries the CSRF token.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from portal.bounds import MaxLength
from portal.learning.certificates import REASON_MAX_LENGTH


class ActionForm(FlaskForm):
    """A POST-only button (start a quiz, submit answers, mark a module complete)."""


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason for revoking",
        validators=[
            DataRequired("Give a reason for revoking the certification."),
            MaxLength(REASON_MAX_LENGTH, message=f"Keep it under {REASON_MAX_LENGTH} characters."),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
