"""Compliance forms: accepting the partner agreement."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField
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
    # The version the page showed: a new version published while the admin read the old one
    # must not be accepted in its place (hidden_tag renders it; a post without it takes the
    # version shown now).
    version = HiddenField()
    submit = SubmitField("Accept the agreement")

    def validate_signer_name(self, field: StringField) -> None:
        """A name is printable text (control characters would corrupt the record)."""
        if not " ".join((field.data or "").split()) or not (field.data or "").isprintable():
            raise ValidationError("Type your name in letters, without special characters.")
