"""Staff forms: creating an organisation, inviting its people, changing its tier, filtering."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.accounts.models import OrgStatus, Role
from portal.bounds import MaxLength
from portal.content.model import Program
from portal.form_fields import ALWAYS_CHOSEN, FilterForm, SelectChoice
from portal.staff.attention import AttentionFlag
from portal.staff.meetings import NOTE_MAX
from portal.staff.models import MEETING_KIND_NAMES

# Deep offsets are slow and nobody pages that far: filter instead.
MAX_PAGE = 200
# The organisation list's sortable columns (portal.staff.service.SORTS), in words.
SORT_NAMES = {
    "created": "Newest",
    "name": "Name",
    "type": "Partner type",
    "tier": "Tier",
    "region": "Region",
    "status": "Status",
    "activated": "Activated",
    "last_login": "Last sign-in",
    "attention": "Needs attention",
    "members": "Active members",
}

PARTNER_ROLE_CHOICES = [
    SelectChoice(Role.PARTNER_USER.value, "Partner user"),
    SelectChoice(Role.PARTNER_ADMIN.value, "Partner admin (can invite colleagues)"),
]


def partner_type_choices(program: Program) -> list[SelectChoice]:
    """The partner types the program offers, as select choices."""
    return [SelectChoice(t.id, t.name) for t in program.partner_types]


def tier_choices(program: Program) -> list[SelectChoice]:
    """The program's tiers, entry tier first, as select choices."""
    return [SelectChoice(t.id, t.name) for t in sorted(program.tiers, key=lambda t: t.rank)]


def region_choices(program: Program, none: str) -> list[SelectChoice]:
    """The program's regions as select choices, after `none` (no region / any region)."""
    return [SelectChoice("", none), *(SelectChoice(region, region) for region in program.regions)]


class OrganizationForm(FlaskForm):
    """A new partner organisation and the e-mail of its first partner admin."""

    name = StringField("Organisation name", validators=[DataRequired(), MaxLength(200)])
    website = URLField(
        "Website (optional)",
        validators=[Optional(), MaxLength(300), URL(message="Enter a full address.")],
    )
    partner_type = SelectField("Partner type", validators=[DataRequired()], render_kw=ALWAYS_CHOSEN)
    tier = SelectField("Tier", validators=[DataRequired()], render_kw=ALWAYS_CHOSEN)
    region = SelectField("Region (optional)", default="", validators=[Optional()])
    admin_email = EmailField(
        "First partner admin's e-mail",
        validators=[DataRequired(), MaxLength(254), Email(check_deliverability=False)],
    )
    submit = SubmitField("Create and send invitation")

    def validate_website(self, field: URLField) -> None:
        """Only web addresses: the website becomes a link on staff pages."""
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError("Enter an address that starts with https:// or http://.")

    def set_program(self, program: Program) -> None:
        """Offer the content's partner types, tiers and regions (they change with the content)."""
        self.partner_type.choices = partner_type_choices(program)
        self.tier.choices = tier_choices(program)
        self.region.choices = region_choices(program, "No region yet")


class StaffInviteForm(FlaskForm):
    """Invite another person into an existing organisation."""

    email = EmailField(
        "E-mail",
        validators=[DataRequired(), MaxLength(254), Email(check_deliverability=False)],
    )
    role = SelectField("Role", choices=PARTNER_ROLE_CHOICES, default=Role.PARTNER_USER.value)


class TierForm(FlaskForm):
    """Move an organisation to another tier."""

    tier = SelectField("Tier", validators=[DataRequired()], render_kw=ALWAYS_CHOSEN)

    def set_program(self, program: Program) -> None:
        """Offer the content's tiers."""
        self.tier.choices = tier_choices(program)


class RegionForm(FlaskForm):
    """Set the organisation's region (or none)."""

    region = SelectField("Region", default="", validators=[Optional()])

    def set_program(self, program: Program) -> None:
        """Offer the content's regions."""
        self.region.choices = region_choices(program, "No region")


class OrganizationFilterForm(FilterForm):
    """Query-string filters for the organisation list; `page` is the page number."""

    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            *(SelectChoice(s.value, s.value.capitalize()) for s in OrgStatus),
        ],
        default="",
        validators=[Optional()],
    )
    type = SelectField("Partner type", default="", validators=[Optional()])
    tier = SelectField("Tier", default="", validators=[Optional()])
    region = SelectField("Region", default="", validators=[Optional()])
    flag = SelectField(
        "Needs attention",
        choices=[SelectChoice("", "Any")],
        default="",
        validators=[Optional()],
    )
    sort = SelectField(
        "Sort by",
        choices=[SelectChoice(k, v) for k, v in SORT_NAMES.items()],
        default="created",
        validators=[Optional()],
    )
    dir = SelectField(
        "Order",
        choices=[SelectChoice("", "Default"), SelectChoice("asc", "Ascending"),
                 SelectChoice("desc", "Descending")],
        default="",
        validators=[Optional()],
    )  # fmt: skip
    page = IntegerField(
        "Page",
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_PAGE, message=f"Choose a page from 1 to {MAX_PAGE}."),
        ],
    )

    def set_program(self, program: Program, flags: tuple[AttentionFlag, ...] = ()) -> None:
        """Offer the content's partner types and tiers, and the registered attention flags."""
        self.type.choices = [SelectChoice("", "Any type"), *partner_type_choices(program)]
        self.tier.choices = [SelectChoice("", "Any tier"), *tier_choices(program)]
        self.region.choices = region_choices(program, "Any region")
        self.flag.choices = [
            SelectChoice("", "Any"),
            *(SelectChoice(f.name, f.label) for f in flags),
        ]


class MeetingForm(FlaskForm):
    """A meeting, call, QBR or joint-plan review held with the organisation."""

    # Ids of their own: the organisation page also holds the tier fact form, with its own note.
    held_on = DateField(
        "Date",
        id="meeting-held-on",
        validators=[DataRequired(message="Enter the date (YYYY-MM-DD).")],
    )
    kind = SelectField(
        "Kind",
        id="meeting-kind",
        choices=[SelectChoice(kind, name) for kind, name in MEETING_KIND_NAMES.items()],
        validators=[DataRequired()],
        render_kw=ALWAYS_CHOSEN,
    )
    note = TextAreaField(
        "Note (optional)", id="meeting-note", validators=[Optional(), MaxLength(NOTE_MAX)]
    )
