"""The sample form on /styleguide: one of each control, shown with and without an error."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.bounds import MaxLength
from portal.form_fields import SelectChoice


class StyleguideForm(FlaskForm):
    """Never submitted anywhere: it only shows how fields, hints and errors look."""

    class Meta:
        csrf = False

    company = StringField("Company name", validators=[Optional(), MaxLength(200)])
    email = EmailField("Contact e-mail", validators=[Optional(), MaxLength(254)])
    region = SelectField(
        "Region", choices=[SelectChoice("emea", "EMEA"), SelectChoice("amer", "Americas")]
    )
    notes = TextAreaField("Notes", validators=[Optional(), MaxLength(2000)])
    consent = BooleanField("The contact agreed to be introduced")

    def show_sample_error(self) -> None:
        """Put a message on the e-mail field, as a failed submission would."""
        self.email.errors = ["Enter an e-mail address like name@company.example."]
