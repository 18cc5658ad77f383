"""Forms for the staff actions on a referral: one per action, CSRF on every one.

Field names are shared by the list's row forms and the referral page's forms (reason,
message, amount, currency, owner), so one view handles a post from either place. Every form
carries `next`, the inbox page to go back to after a plain post (checked to be local).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.bounds import MaxLength
from portal.content.model import Program
from portal.money import minor_units, to_minor
from portal.patterns import AMOUNT_MAX_LENGTH, PLAIN_AMOUNT
from portal.referrals.api import MESSAGE_MAX, REASON_MAX

__all__ = [
    "ActionForm",
    "AssignForm",
    "LostForm",
    "NoteForm",
    "RejectForm",
    "UpdateForm",
    "ValueForm",
    "WonForm",
    "parse_amount",
]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """A one-click action (accept, next stage): only the CSRF token and where to go back."""

    next = HiddenField()


class AssignForm(ActionForm):
    """Choose the owner: "me" or the id of an active partner-team member."""

    owner = SelectField(
        "Owner", validators=[DataRequired("Choose who owns this referral.")], validate_choice=False
    )

    offered: frozenset[str] = frozenset()  # the ids set_staff offered, as the form sends them

    def set_staff(self, staff: list[tuple[int, str]]) -> None:
        """Offer the active partner-team members (from `listing.staff_choices`)."""
        self.offered = frozenset(str(i) for i, _name in staff)
        self.owner.choices = [("", "Choose a person"), *((str(i), name) for i, name in staff)]

    def validate_owner(self, field: SelectField) -> None:
        if field.data != "me" and field.data not in self.offered:
            raise ValidationError("Choose an active member of the partner team.")


def _reason_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired("Give a reason the partner will see."),
            MaxLength(REASON_MAX, message=f"Keep the reason to {REASON_MAX} characters."),
        ],
        filters=[_strip],
    )


class RejectForm(ActionForm):
    reason = _reason_field("Why it is not accepted (the partner sees this)")


class LostForm(ActionForm):
    reason = _reason_field("Why it was lost (the partner sees this)")


class UpdateForm(ActionForm):
    message = TextAreaField(
        "Update for the partner",
        validators=[
            DataRequired("Write the update the partner will read."),
            MaxLength(MESSAGE_MAX, message=f"Keep the update to {MESSAGE_MAX} characters."),
        ],
        filters=[_strip],
    )


class NoteForm(ActionForm):
    message = TextAreaField(
        "Internal note (the partner never sees it)",
        validators=[
            DataRequired("Write the note."),
            MaxLength(MESSAGE_MAX, message=f"Keep the note to {MESSAGE_MAX} characters."),
        ],
        filters=[_strip],
    )


def parse_amount(text: str, currency: str) -> int:
    """A deal value typed by a person ("125,000.50") as minor units; ValueError with words."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "").replace("_", "")
    if not cleaned:
        raise ValueError("Enter the deal value.")
    if cleaned.startswith("-"):
        raise ValueError("Enter a deal value above zero.")
    if len(cleaned) > AMOUNT_MAX_LENGTH:
        raise ValueError("Enter the amount as a number, such as 125000.00.")
    if not PLAIN_AMOUNT.fullmatch(cleaned):  # digits and one decimal point: no "1e9", no "NaN"
        raise ValueError("Enter the amount as a number, such as 125000.00.")
    try:
        minor = to_minor(cleaned, currency)
    except (TypeError, ValueError) as refused:
        places = minor_units(currency)
        if "decimal" in str(refused) or "no decimals" in str(refused):
            allowed = f"{places} decimal places" if places else "no decimals"
            raise ValueError(f"{currency} amounts have at most {allowed}.") from None
        if "too large" in str(refused):
            raise ValueError("That deal value is too large.") from None
        raise ValueError("Enter the amount as a number, such as 125000.00.") from None
    if minor <= 0:
        raise ValueError("Enter a deal value above zero.")
    return minor


class _ValueFields(ActionForm):
    """A deal value in the program currency; `amount_minor` is set once the form validates."""

    amount = StringField("Deal value", validators=[MaxLength(AMOUNT_MAX_LENGTH)], filters=[_strip])
    currency = SelectField("Currency", validate_choice=False)
    amount_minor: int | None = None
    amount_required = True

    def set_program(self, program: Program) -> None:
        """Deal values are kept in the program currency only (no exchange rates)."""
        self.program_currency = program.currency
        self.currency.choices = [(program.currency, program.currency)]
        if not self.currency.data:
            self.currency.data = program.currency

    def validate_currency(self, field: SelectField) -> None:
        expected = getattr(self, "program_currency", None)
        if expected and (field.data or "").strip().upper() != expected:
            raise ValidationError(f"Deal values are recorded in the program currency, {expected}.")

    def validate_amount(self, field: StringField) -> None:
        self.amount_minor = None
        if not field.data and not self.amount_required:
            return
        currency = getattr(self, "program_currency", None) or (self.currency.data or "USD")
        try:
            self.amount_minor = parse_amount(field.data or "", currency)
        except ValueError as refused:
            raise ValidationError(str(refused)) from None


class ValueForm(_ValueFields):
    pass


class WonForm(_ValueFields):
    """Won: the deal value may be left empty when one was recorded before."""

    amount = StringField(
        "Deal value (leave empty to use the recorded one)",
        validators=[Optional(), MaxLength(AMOUNT_MAX_LENGTH)],
        filters=[_strip],
    )
    reason = TextAreaField(
        "Note for the partner (optional)",
        validators=[MaxLength(REASON_MAX, message=f"Keep it to {REASON_MAX} characters.")],
        filters=[_strip],
    )
    amount_required = False
