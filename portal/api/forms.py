"""The token form: a name, the scopes to grant, how long the token lives."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from portal.api.tokens import EXPIRY_DAYS, NAME_MAX
from portal.bounds import MaxLength
from portal.form_fields import SelectChoice


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (each with its label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(
        "Name (what uses it, e.g. 'CRM sync')",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Give the token a name."),
            MaxLength(NAME_MAX, message=f"Keep it under {NAME_MAX} characters."),
        ],
    )
    scopes = CheckboxesField("Scopes", validators=[DataRequired("Choose at least one scope.")])
    days = SelectField(
        "Expires after",
        choices=[SelectChoice(str(days), f"{days} days") for days in EXPIRY_DAYS],
        default="90",
    )
    submit = SubmitField("Create token")

    def offer(self, scopes: dict[str, str]) -> None:
        """Offer the scopes this kind of token may have (partner or staff)."""
        self.scopes.choices = [
            SelectChoice(scope, f"{scope}: {what}") for scope, what in scopes.items()
        ]


class RevokeForm(FlaskForm):
    """CSRF only: the button that revokes a token."""
