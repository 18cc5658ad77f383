"""Admin forms: the audit log's filters (a GET form, so no CSRF token)."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import Optional

from portal.form_fields import FilterForm, SelectChoice
from portal.ids import IdField


class AuditFilterForm(FilterForm):
    """Filter the audit log by action and organisation; `before` is the keyset cursor."""

    action = SelectField("Action", default="", validators=[Optional()])
    org = IdField(
        "Organisation ID", validators=[Optional()], message="Enter an organisation number."
    )
    before = IdField("Older than entry", validators=[Optional()])

    def set_actions(self, actions: list[str]) -> None:
        """Offer the actions that occur in the log."""
        self.action.choices = [SelectChoice("", "Any action"), *(SelectChoice(a) for a in actions)]
