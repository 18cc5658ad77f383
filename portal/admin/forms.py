"""Admin forms: the audit log's filters (a GET form, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional


class AuditFilterForm(FlaskForm):
    """Filter the audit log by action and organisation; `before` is the keyset cursor."""

    class Meta:
        csrf = False

    action = SelectField("Action", default="", validators=[Optional()])
    org = IntegerField(
        "Organisation ID",
        validators=[Optional(), NumberRange(min=1, message="Enter an organisation number.")],
    )
    before = IntegerField("Older than entry", validators=[Optional(), NumberRange(min=1)])

    def set_actions(self, actions: list[str]) -> None:
        """Offer the actions that occur in the log."""
        self.action.choices = [SelectChoice("", "Any action"), *(SelectChoice(a) for a in actions)]
