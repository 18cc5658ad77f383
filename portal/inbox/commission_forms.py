"""Staff commission forms: the list's filter, approving, paying, answering a dispute.

The rules for each value live in portal.referrals (check_*, through portal.referrals.api), so
a form and a service call can never disagree about what is valid.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from portal.bounds import MaxLength
from portal.form_fields import FilterForm, SelectChoice
from portal.ids import IdField
from portal.referrals.api import (
    ANSWER_MAX,
    PAYOUT_REFERENCE_MAX,
    READY,
    CommissionError,
    CommissionStatus,
    check_answer,
    check_payout_reference,
)

STATUS_CHOICES = [
    SelectChoice("", "Any status"),
    SelectChoice(READY, "Ready to approve"),
    SelectChoice(CommissionStatus.PENDING.value, "Pending (in hold or ready)"),
    SelectChoice(CommissionStatus.APPROVED.value, "Approved"),
    SelectChoice(CommissionStatus.PAID.value, "Paid"),
    SelectChoice(CommissionStatus.DISPUTED.value, "Disputed"),
]


def _checked_by(check: Callable[[str | None], str]) -> Callable[[FlaskForm, Field], None]:
    """A WTForms validator from a service check: its message goes beside the field."""

    def validate(form: FlaskForm, field: Field) -> None:
        try:
            field.data = check(field.data)
        except CommissionError as refused:
            raise ValidationError(refused.message) from None

    return validate


class CommissionFilterForm(FilterForm):
    """Filter the staff list by status; `after` is the keyset cursor."""

    status = SelectField("Status", choices=STATUS_CHOICES, default="", validators=[Optional()])
    after = IdField("Continue after", validators=[Optional()])


class ApproveForm(FlaskForm):
    """Approve a commission: no fields, only the CSRF token."""


class PayoutForm(FlaskForm):
    """Mark an approved commission paid with the reference of the payment."""

    payout_reference = StringField(
        "Payout reference",
        validators=[
            MaxLength(
                PAYOUT_REFERENCE_MAX,
                f"The payout reference is at most {PAYOUT_REFERENCE_MAX} characters long.",
            ),
            _checked_by(check_payout_reference),
        ],
        render_kw={"maxlength": PAYOUT_REFERENCE_MAX},
    )


class ResolveForm(FlaskForm):
    """Answer a dispute; the partner reads the answer."""

    answer = TextAreaField(
        "Answer to the partner",
        validators=[
            MaxLength(ANSWER_MAX, f"Keep the answer to {ANSWER_MAX} characters or fewer."),
            _checked_by(check_answer),
        ],
        render_kw={"maxlength": ANSWER_MAX, "rows": 3},
    )
