"""The partner's earnings form: disputing a commission."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from portal.bounds import MaxLength
from portal.referrals.commission_lifecycle import REASON_MAX, CommissionError, check_reason


class DisputeForm(FlaskForm):
    """Why the partner thinks a commission is wrong (the rules live in check_reason)."""

    reason = TextAreaField(
        "What is wrong with this commission?",
        validators=[MaxLength(REASON_MAX, f"Keep the reason to {REASON_MAX} characters or fewer.")],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
    )

    def validate_reason(self, field: TextAreaField) -> None:
        try:
            field.data = check_reason(field.data)
        except CommissionError as refused:
            raise ValidationError(refused.message) from None
