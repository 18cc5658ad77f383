"""MDF forms: the request, the claim with proof, staff decisions and the queue's filter."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from portal.bounds import MaxLength
from portal.form_fields import ALWAYS_CHOSEN, FilterForm, SelectChoice
from portal.ids import IdField
from portal.mdf.claims import PAYOUT_REFERENCE_MAX
from portal.mdf.models import RequestStatus
from portal.mdf.service import COUNT_MAX, NOTE_MAX, STATUS_LABELS, TEXT_MAX, TITLE_MAX
from portal.money import minor_units, to_minor
from portal.patterns import AMOUNT_MAX_LENGTH, PLAIN_AMOUNT

REFERENCES_MAX = 400  # "R-000012, R-000031, ...": a few dozen references
_COUNT = [Optional(), NumberRange(0, COUNT_MAX, f"Enter a whole number up to {COUNT_MAX:,}.")]


def parse_amount(text: str | None, currency: str) -> int:
    """An amount typed by a person ("2,500.50") as minor units; ValueError in words."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError("Enter the amount.")
    if len(cleaned) > AMOUNT_MAX_LENGTH or not PLAIN_AMOUNT.fullmatch(cleaned):
        raise ValueError("Enter the amount as a number, such as 2500.00.")
    try:
        minor = to_minor(cleaned, currency)
    except (TypeError, ValueError):
        places = minor_units(currency)
        raise ValueError(
            f"Enter the amount in {currency} with at most {places} decimal places."
        ) from None
    if minor <= 0:
        raise ValueError("Enter an amount above zero.")
    return minor


class _AmountForm(FlaskForm):
    """An amount in the program currency; `amount_minor` is set once the form validates."""

    amount = StringField(
        "Amount", validators=[DataRequired("Enter the amount."), MaxLength(AMOUNT_MAX_LENGTH)]
    )
    amount_minor: int = 0
    currency = "USD"

    def set_currency(self, currency: str) -> _AmountForm:
        self.currency = currency
        return self

    def validate_amount(self, field: StringField) -> None:
        try:
            self.amount_minor = parse_amount(field.data, self.currency)
        except ValueError as refused:
            raise ValidationError(str(refused)) from None


class RequestForm(_AmountForm):
    """A partner admin's request for funds for one activity."""

    activity_type = SelectField("Activity type", render_kw=ALWAYS_CHOSEN)
    title = StringField(
        "Activity name", validators=[DataRequired("Name the activity."), MaxLength(TITLE_MAX)]
    )
    activity_date = DateField(
        "Activity date", validators=[DataRequired("Enter the activity's date.")]
    )
    description = TextAreaField(
        "What will you do?",
        validators=[DataRequired("Describe the activity."), MaxLength(TEXT_MAX)],
        render_kw={"rows": 4},
    )
    amount = StringField(
        "Funds requested",
        validators=[DataRequired("Enter the amount."), MaxLength(AMOUNT_MAX_LENGTH)],
        render_kw={"inputmode": "decimal"},
    )
    expected_attendees = IntegerField("Expected attendees", validators=_COUNT)
    expected_meetings = IntegerField("Expected meetings", validators=_COUNT)
    expected_results = TextAreaField(
        "Other expected results (optional)",
        validators=[Optional(), MaxLength(TEXT_MAX)],
        render_kw={"rows": 2},
    )

    def set_activity_types(self, choices: list[tuple[str, str]]) -> RequestForm:
        self.activity_type.choices = [SelectChoice(value, label) for value, label in choices]
        return self

    def activity_date_value(self) -> date:
        value = self.activity_date.data
        assert isinstance(value, date)  # DataRequired passed
        return value


class ClaimForm(_AmountForm):
    """The claim after the activity: actual cost, results and proof files."""

    amount = StringField(
        "Actual cost of the activity (from the invoice)",
        validators=[DataRequired("Enter the actual cost."), MaxLength(AMOUNT_MAX_LENGTH)],
        render_kw={"inputmode": "decimal"},
    )
    invoice = FileField("Invoice (PDF, PNG or JPEG)")
    photos = MultipleFileField("Photos (PNG or JPEG, optional)")
    attendee_list = FileField("Attendee list (CSV, optional)")
    attendees = IntegerField("Attendees", validators=_COUNT)
    meetings = IntegerField("Meetings booked", validators=_COUNT)
    referrals = StringField(
        "Referrals it produced (references such as R-000012, optional)",
        validators=[Optional(), MaxLength(REFERENCES_MAX)],
    )
    results = TextAreaField(
        "Results in your words (optional)",
        validators=[Optional(), MaxLength(TEXT_MAX)],
        render_kw={"rows": 3},
    )


class ApproveForm(_AmountForm):
    """Approve all of a request or part of it, with an optional note."""

    amount = StringField(
        "Amount approved",
        validators=[DataRequired("Enter the amount approved."), MaxLength(AMOUNT_MAX_LENGTH)],
        render_kw={"inputmode": "decimal"},
    )
    note = TextAreaField(
        "Note to the partner (optional)",
        validators=[Optional(), MaxLength(NOTE_MAX)],
        render_kw={"rows": 2},
    )


class ReasonForm(FlaskForm):
    """Reject a request or a claim: the reason the partner reads."""

    reason = TextAreaField(
        "Reason",
        validators=[DataRequired("Give the partner the reason."), MaxLength(NOTE_MAX)],
        render_kw={"rows": 2},
    )


class DecideForm(FlaskForm):
    """A button that only carries the CSRF token (approve a claim)."""


class PayForm(FlaskForm):
    """Mark an approved claim paid with the payment's reference."""

    payout_reference = StringField(
        "Payout reference",
        validators=[
            DataRequired("Enter the payout reference from the payment."),
            MaxLength(PAYOUT_REFERENCE_MAX),
        ],
    )


STATUS_CHOICES = [SelectChoice("", "Waiting for staff"), SelectChoice("all", "All")] + [
    SelectChoice(str(status), label.capitalize()) for status, label in STATUS_LABELS.items()
]
WAITING = (RequestStatus.REQUESTED, RequestStatus.CLAIMED)


class QueueFilterForm(FilterForm):
    """The staff queue's status filter and keyset cursor."""

    status = SelectField("Status", choices=STATUS_CHOICES, default="", validators=[Optional()])
    after = IdField("Continue after", validators=[Optional()])


def form_errors(form: FlaskForm) -> list[Any]:
    """Every message of a form, flat."""
    return [error for errors in form.errors.values() for error in errors]
