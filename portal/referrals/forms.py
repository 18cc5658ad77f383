"""The referral form: every field checked, with a message beside it, before anything is stored.

The syntax checks are plain functions (`website_problem`, `phone_problem`, `amount_in_minor`)
so tests read them without a request. Nothing here looks anything up on the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, StopValidation, ValidationError

from portal.bounds import MaxLength
from portal.content.model import Program
from portal.form_fields import SelectChoice, field_text
from portal.money import minor_units, to_minor
from portal.patterns import (
    AMOUNT_MAX_LENGTH,
    AMOUNT_THOUSANDS,
    HOST_LABEL,
    IDEMPOTENCY_KEY,
    PHONE,
    PLAIN_AMOUNT,
    TOP_LABEL,
    WEB_SCHEME,
)
from portal.referrals.service import INVOLVEMENTS, TIMINGS, ReferralInput

# Match the columns of portal.referrals.models.Referral.
COMPANY_NAME_MAX = 200
WEBSITE_MAX = 300
CONTACT_NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 50
ROLE_MAX = 200
NEED_MAX = 4000
# An estimate above a trillion in any currency is a typo, not a deal.
AMOUNT_MAX = Decimal("1000000000000")
# Offered besides the program's own currency (which comes first and is the default).
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "INR", "SGD")


def new_idempotency_key() -> str:
    """A fresh key for one rendering of the form: a resubmission carries the same one."""
    return uuid.uuid4().hex


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def website_problem(text: str) -> str | None:
    """What is wrong with a company website ("https://acme.com/x" or "acme.com"), or None.

    Syntax only: http(s) addresses or a bare host name with a dot; no other schemes, no
    spaces, no user names, no IP addresses. No DNS look-up.
    """
    if len(text) > WEBSITE_MAX:
        return f"Keep it under {WEBSITE_MAX} characters."
    if any(ch.isspace() for ch in text):
        return "A web address has no spaces, for example https://acme.com."
    lowered = text.lower()
    if not lowered.startswith(("http://", "https://")):
        if WEB_SCHEME.match(text) or "//" in text:
            return "Enter a web address that starts with https:// or http://, or just acme.com."
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "Enter a web address such as https://acme.com."
    if "@" in parts.netloc:
        return "Enter the company's web address without a user name, for example acme.com."
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        return "Enter a web address such as https://acme.com."
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return "Enter a web address with a domain name, for example acme.com."
    if not TOP_LABEL.fullmatch(labels[-1]):
        return "Enter a web address with a domain name, for example acme.com."
    return None


def website_url(text: str) -> str:
    """The website as a link: a bare host gets https:// in front (staff pages link it)."""
    if not text or text.lower().startswith(("http://", "https://")):
        return text
    return "https://" + text


def phone_problem(text: str) -> str | None:
    """What is wrong with a phone number, or None (digits, spaces, + ( ) - . / and ext)."""
    if len(text) > PHONE_MAX:
        return f"Keep it under {PHONE_MAX} characters."
    if not PHONE.fullmatch(text) or sum(ch.isdigit() for ch in text) < 5:
        return "Enter a phone number with digits, spaces and + ( ) - only, or leave it empty."
    return None


def amount_in_minor(text: str, currency: str) -> int:
    """A typed amount ("48000", "48,000.50") in the currency's minor units; ValueError says why."""
    value = text.strip()
    if len(value) > AMOUNT_MAX_LENGTH:
        raise ValueError("Enter a number such as 48000 or 48000.50.")
    if value.startswith("-"):
        raise ValueError("The amount cannot be negative.")
    if AMOUNT_THOUSANDS.fullmatch(value):
        value = value.replace(",", "")
    if not PLAIN_AMOUNT.fullmatch(value):
        raise ValueError("Enter a number such as 48000 or 48000.50.")
    if Decimal(value) >= AMOUNT_MAX:
        raise ValueError(f"Enter an amount below {AMOUNT_MAX:,}.")
    digits = minor_units(currency)
    try:
        return to_minor(value, currency)
    except ValueError:
        places = f"at most {digits} decimal places" if digits else "no decimals"
        raise ValueError(f"{currency} amounts have {places}.") from None


def currency_choices(program: Program) -> list[SelectChoice]:
    """The program's currency first (the default), then a short list of common ones."""
    codes = dict.fromkeys((program.currency.upper(), *COMMON_CURRENCIES))
    return [SelectChoice(code, code) for code in codes]


def _one_of(allowed: Callable[[Field], Iterable[str]], message: str) -> Callable[..., None]:
    """A choice validator with a message people understand (not "Not a valid choice")."""

    def check(form: FlaskForm, field: Field) -> None:
        if not field.data or field.data not in set(allowed(field)):
            raise StopValidation(message)

    return check


def _choice_values(field: Field) -> list[str]:
    if not isinstance(field, SelectField):  # only select fields are checked against choices
        return []
    return [value for value, *_ in field.iter_choices() if value]


class ReferralForm(FlaskForm):
    """A partner's referral: the company, the contact, the deal and the partner's part in it."""

    company_name = StringField(
        "Company name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the company's name."),
            MaxLength(COMPANY_NAME_MAX, message=f"Keep it under {COMPANY_NAME_MAX} characters."),
        ],
    )
    company_website = StringField(
        "Company website (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            MaxLength(WEBSITE_MAX, message=f"Keep it under {WEBSITE_MAX} characters."),
        ],
    )
    contact_name = StringField(
        "Contact's name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the name of the person we should talk to."),
            MaxLength(CONTACT_NAME_MAX, message=f"Keep it under {CONTACT_NAME_MAX} characters."),
        ],
    )
    contact_email = EmailField(
        "Contact's e-mail",
        filters=[_strip],
        validators=[
            DataRequired("Enter the contact's e-mail address."),
            MaxLength(EMAIL_MAX, message=f"Keep it under {EMAIL_MAX} characters."),
        ],
    )
    contact_phone = StringField(
        "Contact's phone (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            MaxLength(PHONE_MAX, message=f"Keep it under {PHONE_MAX} characters."),
        ],
    )
    contact_role = StringField(
        "Contact's role",
        filters=[_strip],
        validators=[
            DataRequired("Enter the contact's role, for example Head of Sales."),
            MaxLength(ROLE_MAX, message=f"Keep it under {ROLE_MAX} characters."),
        ],
    )
    region = SelectField(
        "Region",
        validate_choice=False,
        validators=[_one_of(_choice_values, "Choose the customer's region.")],
    )
    estimated_value = StringField(
        "Estimated deal size",
        filters=[_strip],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
        validators=[
            DataRequired("Enter an estimate; 0 is fine if you do not know yet."),
            MaxLength(AMOUNT_MAX_LENGTH, "Enter a number such as 48000 or 48000.50."),
        ],
    )
    estimated_currency = SelectField(
        "Currency",
        validate_choice=False,
        validators=[_one_of(_choice_values, "Choose a currency from the list.")],
    )
    expected_timing = SelectField(
        "Expected timing",
        validate_choice=False,
        choices=[SelectChoice("", "Choose one"), *(SelectChoice(k, v) for k, v in TIMINGS.items())],
        validators=[_one_of(lambda field: TIMINGS, "Choose when the deal may close.")],
    )
    customer_need = TextAreaField(
        "What the customer needs",
        filters=[_strip],
        render_kw={"rows": 5},
        validators=[
            DataRequired("Describe what the customer needs."),
            MaxLength(NEED_MAX, message=f"Keep it under {NEED_MAX} characters."),
        ],
    )
    involvement = RadioField(
        "How you are involved",
        validate_choice=False,
        choices=[SelectChoice(k, v) for k, v in INVOLVEMENTS.items()],
        validators=[_one_of(lambda field: INVOLVEMENTS, "Choose how you are involved.")],
    )
    consent = BooleanField(
        "The contact agreed to be introduced",
        validators=[DataRequired("Confirm that the contact agreed to be introduced.")],
    )
    idempotency_key = HiddenField(default=new_idempotency_key)

    def set_program(self, program: Program) -> None:
        """Offer the content's regions and currencies (they change with the content)."""
        self.region.choices = [
            SelectChoice("", "Choose a region"),
            *(SelectChoice(region, region) for region in program.regions),
        ]
        self.estimated_currency.choices = currency_choices(program)
        if not self.is_submitted():
            self.estimated_currency.data = program.currency.upper()

    def validate_company_website(self, field: StringField) -> None:
        problem = website_problem(field_text(field))
        if problem:
            raise ValidationError(problem)
        # Stored with https:// in front: the stored form must fit too.
        if len(website_url(field_text(field))) > WEBSITE_MAX:
            raise ValidationError(f"Keep it under {WEBSITE_MAX} characters.")

    def validate_contact_email(self, field: EmailField) -> None:
        try:
            checked = validate_email(field_text(field), check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(
                f"Enter an e-mail address such as name@acme.com. {error}"
            ) from None
        field.data = checked.normalized

    def validate_contact_phone(self, field: StringField) -> None:
        problem = phone_problem(field_text(field))
        if problem:
            raise ValidationError(problem)

    def validate_estimated_value(self, field: StringField) -> None:
        currency = self.estimated_currency.data
        if currency not in _choice_values(self.estimated_currency):
            currency = "USD"  # its own message is beside the currency; check the number alone
        try:
            amount_in_minor(field_text(field), currency)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_idempotency_key(self, field: HiddenField) -> None:
        # The default makes a fresh key when none was posted: read what was actually sent.
        sent = field.raw_data[0] if field.raw_data else ""
        if not IDEMPOTENCY_KEY.fullmatch(sent):
            field.data = new_idempotency_key()
            raise ValidationError(
                "This form is out of date. Check the details and submit it again."
            )

    def referral_input(self) -> ReferralInput:
        """The validated form as the service's input (call after `validate_on_submit`)."""
        currency = self.estimated_currency.data
        return ReferralInput(
            company_name=field_text(self.company_name),
            company_website=website_url(field_text(self.company_website)),
            contact_name=field_text(self.contact_name),
            contact_email=field_text(self.contact_email),
            contact_phone=field_text(self.contact_phone),
            contact_role=field_text(self.contact_role),
            region=self.region.data,
            estimated_value_minor=amount_in_minor(field_text(self.estimated_value), currency),
            estimated_currency=currency,
            expected_timing=self.expected_timing.data,
            customer_need=field_text(self.customer_need),
            involvement=self.involvement.data,
            idempotency_key=field_text(self.idempotency_key),
        )
