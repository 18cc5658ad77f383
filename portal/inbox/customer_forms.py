"""Forms for the customer list: add one, upload a CSV, remove one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from portal.bounds import MaxLength
from portal.referrals.api import CUSTOMER_DOMAIN_INPUT_MAX, CUSTOMER_NAME_MAX


class CustomerForm(FlaskForm):
    """One customer: a company name and its domain or website."""

    name = StringField(
        "Company name (optional)", validators=[Optional(), MaxLength(CUSTOMER_NAME_MAX)]
    )
    website_or_domain = StringField(
        "Domain or website",
        validators=[
            DataRequired(message="Enter the customer's domain, such as acme.com."),
            MaxLength(CUSTOMER_DOMAIN_INPUT_MAX),
        ],
    )


class CustomerUploadForm(FlaskForm):
    """A CSV file of customers with a header row: name,domain (or name,website).

    Its size limit (CUSTOMER_IMPORT_MAX_BYTES) is checked by the view as it reads the file.
    """

    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a .csv file to upload."),
            FileAllowed(["csv"], message="Upload a file whose name ends in .csv."),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )


class RemoveCustomerForm(FlaskForm):
    """A button that takes a customer off the list: the form only checks the CSRF token."""


def size_text(size: int) -> str:
    """A size in bytes as people say it: "8 MB", "1.5 MB", "64 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


def too_large_message(limit: int) -> str:
    """What staff read when a customer file is over the limit."""
    return (
        f"The file is larger than {size_text(limit)}, the most one upload may be. "
        "Split it into smaller files and upload each of them."
    )
