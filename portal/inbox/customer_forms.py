"""Forms for the customer list: add one, upload a CSV, remove one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from portal.bounds import MaxLength
from portal.inbox.customers import MAX_DOMAIN_INPUT, MAX_NAME

MAX_UPLOAD_BYTES = 1024 * 1024


class CustomerForm(FlaskForm):
    """One customer: a company name and its domain or website."""

    name = StringField("Company name (optional)", validators=[Optional(), MaxLength(MAX_NAME)])
    website_or_domain = StringField(
        "Domain or website",
        validators=[
            DataRequired(message="Enter the customer's domain, such as acme.com."),
            MaxLength(MAX_DOMAIN_INPUT),
        ],
    )


class CustomerUploadForm(FlaskForm):
    """A CSV file of customers with a header row: name,domain (or name,website)."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a .csv file to upload."),
            FileAllowed(["csv"], message="Upload a file whose name ends in .csv."),
            FileSize(MAX_UPLOAD_BYTES, message="The file is larger than 1 MB; split it up."),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )


class RemoveCustomerForm(FlaskForm):
    """A button that takes a customer off the list: the form only checks the CSRF token."""
