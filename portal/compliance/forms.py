"""Compliance forms: accepting the partner agreement."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from portal.bounds import MaxLength
from portal.compliance.models import SIGNER_NAME_MAX


class AcceptAgreementForm(FlaskForm):
    """A partner admin types their name and confirms they may bind the organisation."""

    signer_name = StringField(
        "Your full name",
        validators=[
            MaxLength(SIGNER_NAME_MAX, message=f"At most {SIGNER_NAME_MAX} characters."),
            DataRequired(message="Type your full name to accept."),
        ],
    )
    authorised = BooleanField(
        "I am authorised to accept this agreement for my organisation",
        validators=[DataRequired(message="Confirm that you may accept it for your organisation.")],
    )
    submit = SubmitField("Accept the agreement")

    def validate_signer_name(self, field: StringField) -> None:
        """A name is printable text (control characters would corrupt the record)."""
        if not " ".join((field.data or "").split()) or not (field.data or "").isprintable():
            raise ValidationError("Type your name in letters, without special characters.")
