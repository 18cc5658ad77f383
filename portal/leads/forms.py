"""The lead forms: staff entry, CSV import, routing and assignment; the partner's answers."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.bounds import MaxLength
from portal.content.countries import countries
from portal.content.model import Program
from portal.form_fields import FilterForm, SelectChoice
from portal.ids import parse_id
from portal.leads import intake
from portal.leads.models import STAGES, STATUS_NAMES
from portal.leads.queries import AGES


def _choices(blank: str, pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(value, label) for value, label in pairs)]


class LeadForm(FlaskForm):
    """A lead staff enter by hand; it is routed as soon as it is saved."""

    company = StringField("Company", [DataRequired(), MaxLength(intake.COMPANY_MAX)])
    website = StringField("Website", [Optional(), MaxLength(intake.WEBSITE_MAX)])
    contact_name = StringField("Contact name", [DataRequired(), MaxLength(intake.CONTACT_NAME_MAX)])
    contact_email = EmailField("Contact e-mail", [DataRequired(), MaxLength(intake.EMAIL_MAX)])
    contact_phone = StringField("Contact phone", [Optional(), MaxLength(intake.PHONE_MAX)])
    country = SelectField("Country", [DataRequired()])
    region = SelectField("Region (blank: from the country)", [Optional()])
    industry = SelectField("Industry", [Optional()])
    size = SelectField("Company size", [Optional()])
    need = TextAreaField("What they need", [Optional(), MaxLength(intake.NEED_MAX)])

    def set_program(self, program: Program) -> None:
        """Offer the program's lists as choices."""
        self.country.choices = _choices("Choose a country", countries().items())
        self.region.choices = _choices("From the country", ((r, r) for r in program.regions))
        self.industry.choices = _choices("Not known", ((i, i) for i in program.leads.industries))
        self.size.choices = _choices("Not known", ((s, s) for s in program.leads.sizes))

    def lead_input(self) -> intake.LeadInput:
        return intake.LeadInput(
            **{name: self[name].data or "" for name in intake.LeadInput.__dataclass_fields__}
        )


class ImportForm(FlaskForm):
    file = FileField("CSV file", [FileRequired(message="Choose a .csv file to upload.")])


class RouteForm(FlaskForm):
    override_conflict = BooleanField("Route despite the conflict (rules of engagement checked)")


class AssignForm(FlaskForm):
    organization_id = SelectField("Partner", [DataRequired()])

    def set_partners(self, partners: list[tuple[int, str]]) -> None:
        self.organization_id.choices = _choices(
            "Choose a partner", ((str(org_id), name) for org_id, name in partners)
        )

    def chosen(self) -> int | None:
        return parse_id(self.organization_id.data)


class AcceptForm(FlaskForm):
    """Accept a lead (the button only)."""


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why you decline", [DataRequired(), MaxLength(intake.REASON_MAX)])


class StageForm(FlaskForm):
    stage = SelectField(
        "Stage",
        [DataRequired()],
        choices=[SelectChoice(s.value, STATUS_NAMES[s]) for s in STAGES[1:]],
    )
    lost_reason = TextAreaField("Why it was lost", [Optional(), MaxLength(intake.REASON_MAX)])


class IndustriesForm(FlaskForm):
    """The industries a partner takes leads in (one checkbox each, from program.yml)."""

    industries = SelectMultipleField(
        "Industries you take leads in",
        [Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def set_program(self, program: Program) -> None:
        self.industries.choices = [SelectChoice(i, i) for i in program.leads.industries]


class StaffFilter(FilterForm):
    status = SelectField(
        "Status", [Optional()], choices=lambda: _choices("Any status", STATUS_NAMES.items())
    )
    partner = SelectField("Partner", [Optional()])
    age = SelectField("Age", [Optional()], choices=lambda: _choices("Any age", AGES.items()))
    before = StringField("Before", [Optional(), MaxLength(12)])

    def set_partners(self, partners: list[tuple[int, str]]) -> None:
        self.partner.choices = _choices("Any partner", ((str(i), n) for i, n in partners))
