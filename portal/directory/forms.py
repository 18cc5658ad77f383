"""Directory forms: the public filters, the contact form, the profile editor, staff decisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts import api as accounts
from portal.bounds import MaxLength
from portal.content.model import Program
from portal.directory.listing import QUERY_MAX
from portal.directory.models import DESCRIPTION_MAX, REASON_MAX, WEBSITE_MAX
from portal.form_fields import FilterForm, SelectChoice
from portal.ids import IdField

CONTACT_TEXT_MAX = 200
CONTACT_MESSAGE_MAX = 4000
TOKEN_MAX = 200


def _choices(pairs: list[tuple[str, str]], anything: str | None) -> list[SelectChoice]:
    head = [SelectChoice("", anything)] if anything else []
    return head + [SelectChoice(value, label) for value, label in pairs]


def taxonomy_pairs(program: Program) -> dict[str, list[tuple[str, str]]]:
    """Each list field's (id, name) choices from program.yml."""
    taxonomy = program.directory
    return {
        "regions": [(r, r) for r in program.regions],
        "countries": [(c.id, c.name) for c in taxonomy.countries],
        "industries": [(t.id, t.name) for t in taxonomy.industries],
        "services": [(t.id, t.name) for t in taxonomy.services],
        "languages": [(t.id, t.name) for t in taxonomy.languages],
    }


class DirectoryFilterForm(FilterForm):
    """The directory's search and filters (query string); `after` is the page cursor."""

    q = SearchField("Search partners", validators=[Optional(), MaxLength(QUERY_MAX)])
    region = SelectField("Region", default="", validators=[Optional()])
    country = SelectField("Country", default="", validators=[Optional()])
    industry = SelectField("Industry", default="", validators=[Optional()])
    service = SelectField("Service", default="", validators=[Optional()])
    type = SelectField("Partner type", default="", validators=[Optional()])
    tier = SelectField("Tier", default="", validators=[Optional()])
    path = SelectField("Certified in", default="", validators=[Optional()])
    after = IdField("Continue after", validators=[Optional()])

    FILTERS = ("q", "region", "country", "industry", "service", "type", "tier", "path")

    def set_program(self, program: Program, paths: list[tuple[str, str]]) -> None:
        """Fill the choices from program.yml and the learning paths (id, title)."""
        pairs = taxonomy_pairs(program)
        self.region.choices = _choices(pairs["regions"], "Any region")
        self.country.choices = _choices(pairs["countries"], "Any country")
        self.industry.choices = _choices(pairs["industries"], "Any industry")
        self.service.choices = _choices(pairs["services"], "Any service")
        self.type.choices = _choices(
            [(t.id, t.name) for t in program.partner_types], "Any partner type"
        )
        self.tier.choices = _choices([(t.id, t.name) for t in program.tiers], "Any tier")
        self.path.choices = _choices(paths, "Any learning path")


class ContactForm(FlaskForm):
    """ "Contact this partner". `nickname` is the honeypot; `started` the signed fill token."""

    name = StringField("Your name", validators=[DataRequired(), MaxLength(CONTACT_TEXT_MAX)])
    company = StringField("Company", validators=[DataRequired(), MaxLength(CONTACT_TEXT_MAX)])
    email = EmailField("Work e-mail", validators=[DataRequired(), MaxLength(254)])
    country = SelectField("Country", validators=[DataRequired()])
    message = TextAreaField("Message", validators=[DataRequired(), MaxLength(CONTACT_MESSAGE_MAX)])
    nickname = StringField("Leave this field empty", validators=[Optional(), MaxLength(200)])
    started = HiddenField(validators=[Optional(), MaxLength(TOKEN_MAX)])

    def set_program(self, program: Program) -> None:
        self.country.choices = _choices(taxonomy_pairs(program)["countries"], "Choose a country")

    def validate_email(self, field: EmailField) -> None:
        try:
            field.data = accounts.normalise_email(field.data or "")
        except accounts.InvalidEmail as exc:
            raise ValidationError(str(exc)) from exc


def _checkboxes(label: str) -> SelectMultipleField:
    """A multiple choice as a list of checkboxes: usable on a phone and without JavaScript."""
    return SelectMultipleField(
        label,
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class ProfileForm(FlaskForm):
    """The profile a partner admin sends to staff for approval."""

    listed = BooleanField("List our organisation in the public partner directory")
    description = TextAreaField(
        "Description",
        description="Markdown: paragraphs, lists, bold, italic and links.",
        validators=[Optional(), MaxLength(DESCRIPTION_MAX)],
    )
    website = URLField(
        "Website",
        validators=[
            Optional(),
            MaxLength(WEBSITE_MAX),
            URL(require_tld=True, message="Enter a web address starting with https://"),
        ],
    )
    logo = FileField(
        "Logo", description="PNG, JPEG or WebP up to 1 MB; shown at most 400 x 400 pixels."
    )
    remove_logo = BooleanField("Remove the logo")
    regions = _checkboxes("Regions served")
    countries = _checkboxes("Countries served")
    industries = _checkboxes("Industries")
    services = _checkboxes("Services")
    languages = _checkboxes("Languages")

    LISTS = ("regions", "countries", "industries", "services", "languages")

    def set_program(self, program: Program) -> None:
        pairs = taxonomy_pairs(program)
        for name in self.LISTS:
            self[name].choices = _choices(pairs[name], None)

    def validate_website(self, field: URLField) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")


class WithdrawForm(FlaskForm):
    """Leave the directory now (a button)."""


class ApproveForm(FlaskForm):
    """Approve a profile change (a button)."""


class RejectForm(FlaskForm):
    """Reject a profile change with the reason the partner reads."""

    reason = TextAreaField(
        "Reason for the partner", validators=[DataRequired(), MaxLength(REASON_MAX)]
    )
