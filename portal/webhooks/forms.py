"""The endpoint form (URL, events, description) and the CSRF-only buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from portal.bounds import MaxLength
from portal.form_fields import SelectChoice
from portal.outbound_events import EVENT_TYPES
from portal.webhooks.models import DESCRIPTION_MAX, URL_MAX


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class EventTypesField(SelectMultipleField):
    """The event types as checkboxes, each with what it means."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(FlaskForm):
    url = StringField(
        "Endpoint URL",
        filters=[_strip],
        validators=[
            MaxLength(URL_MAX, message=f"Keep the URL to {URL_MAX} characters."),
            DataRequired("Enter the endpoint's URL."),
        ],
    )
    event_types = EventTypesField(
        "Events to send",
        choices=[SelectChoice(name, f"{name}: {what}") for name, what in EVENT_TYPES.items()],
        validators=[DataRequired("Choose at least one event.")],
    )
    description = TextAreaField(
        "Description (optional: what receives it, who to ask)",
        filters=[_strip],
        validators=[
            MaxLength(DESCRIPTION_MAX, message=f"Keep it to {DESCRIPTION_MAX} characters.")
        ],
    )
    submit = SubmitField("Add endpoint")


class ButtonForm(FlaskForm):
    """CSRF only: rotate, enable, delete, replay."""
