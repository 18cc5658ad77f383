"""Onboarding forms: buttons that tick or mark a checklist step (CSRF-protected)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class AcknowledgeStepForm(FlaskForm):
    """The partner's "Mark as done" button on an `acknowledge` step: only the CSRF token."""


class StaffStepForm(FlaskForm):
    """Staff mark ("1") or un-mark ("0") a `staff` step."""

    done = HiddenField(
        "Done", validators=[AnyOf(["1", "0"], message="Choose whether the step is done.")]
    )

    @property
    def marks_done(self) -> bool:
        """True when the form asks to mark the step done, False to un-mark it."""
        return self.done.data == "1"
