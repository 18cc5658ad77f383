"""Admin forms: the audit log's filters (a GET form, so no CSRF token)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import SelectField, StringField
from wtforms.validators import Optional, StopValidation, ValidationError

from portal.admin.audit_log import AuditFilters
from portal.admin.audit_text import action_label
from portal.bounds import MaxLength
from portal.form_fields import FilterForm, SelectChoice
from portal.ids import IdField
from portal.patterns import ISO_DATE

NAME_FILTER_MAX = 100
_DATE_TEXT_MAX = 10  # YYYY-MM-DD


def _printable(form: Any, field: StringField) -> None:
    """Names are searched as typed: control characters cannot be part of one."""
    if field.data and not field.data.isprintable():
        raise StopValidation("Type the name with letters, digits and punctuation only.")


def _day(form: Any, field: StringField) -> None:
    """A UTC day as YYYY-MM-DD (what `<input type="date">` sends), and one that exists."""
    text = field.data or ""
    if text and not ISO_DATE.fullmatch(text):  # fixed width, and bounded before it runs
        raise StopValidation("Enter a date as YYYY-MM-DD, such as 2026-12-01.")
    if text and day_of(text) is None:
        raise StopValidation("Enter a date that exists, such as 2026-12-01.")


def day_of(text: str | None) -> date | None:
    """The day a checked YYYY-MM-DD names, or None."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _day_field(label: str) -> StringField:
    return StringField(
        label,
        validators=[MaxLength(_DATE_TEXT_MAX, "Enter a date as YYYY-MM-DD."), _day],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        # A date input takes no maxlength (HTML): the bound is checked on the server only.
        render_kw={"type": "date", "max": "9999-12-31", "maxlength": False},
    )


class AuditFilterForm(FilterForm):
    """Filter the audit log by action, actor, organisation and days; `before` is the cursor.

    `org` (an organisation's id) is what the links from an entry's organisation carry; people
    filter by the organisation's name.
    """

    action = SelectField("Action", default="", validators=[Optional()])
    actor = StringField(
        "Who (name or e-mail)",
        validators=[
            MaxLength(NAME_FILTER_MAX, f"Keep the name to {NAME_FILTER_MAX} characters."),
            _printable,
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"maxlength": NAME_FILTER_MAX, "autocomplete": "off"},
    )
    organization = StringField(
        "Organisation name",
        validators=[
            MaxLength(NAME_FILTER_MAX, f"Keep the name to {NAME_FILTER_MAX} characters."),
            _printable,
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"maxlength": NAME_FILTER_MAX, "autocomplete": "off"},
    )
    since = _day_field("From (UTC day)")
    until = _day_field("To (UTC day, included)")
    org = IdField(
        "Organisation ID", validators=[Optional()], message="Enter an organisation number."
    )
    before = IdField("Older than entry", validators=[Optional()])

    def set_actions(self, actions: list[str]) -> None:
        """Offer the actions that occur in the log, by name."""
        named = sorted(actions, key=lambda a: action_label(a).lower())
        self.action.choices = [
            SelectChoice("", "Any action"),
            *(SelectChoice(a, action_label(a)) for a in named),
        ]

    def validate_until(self, field: StringField) -> None:
        since, until = day_of(self.since.data), day_of(field.data)
        if since is not None and until is not None and until < since:
            raise ValidationError("The last day comes on or after the first day.")

    def filters(self) -> AuditFilters:
        """The valid filters (everything, when any is invalid: the page says which)."""
        applied = self.applied("action", "org", "actor", "organization", "since", "until")
        return AuditFilters(
            action=applied.get("action"),
            organization_id=applied.get("org"),
            organization_name=applied.get("organization", ""),
            actor=applied.get("actor", ""),
            since=day_of(applied.get("since")),
            until=day_of(applied.get("until")),
        )

    def link_args(self) -> dict[str, str]:
        """The applied filters as query-string arguments (links, the pager, the export)."""
        applied = self.applied("action", "org", "actor", "organization", "since", "until")
        return {name: str(value) for name, value in applied.items()}
