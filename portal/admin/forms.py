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


class DayField(StringField):
    """A UTC day typed as YYYY-MM-DD (what `<input type="date">` sends); `data` is a date."""

    data: Any  # a date once parsed, else None (StringField declares text)

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "date", "max": "9999-12-31"})
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.raw_text = ""
        if not valuelist or not isinstance(valuelist[0], str):
            return
        text = valuelist[0].strip()
        self.raw_text = text[:_DATE_TEXT_MAX]
        if not text:
            return
        # Bounded before any pattern runs; the pattern is fixed-width.
        if len(text) > _DATE_TEXT_MAX or not ISO_DATE.fullmatch(text):
            raise ValueError("Enter a date as YYYY-MM-DD, such as 2026-12-01.")
        try:
            self.data = date.fromisoformat(text)
        except ValueError:
            raise ValueError("Enter a date that exists, such as 2026-12-01.") from None

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else self.raw_text


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
    since = DayField("From (UTC day)")
    until = DayField("To (UTC day, included)")
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

    def validate_until(self, field: DayField) -> None:
        since = self.since.data
        if isinstance(since, date) and isinstance(field.data, date) and field.data < since:
            raise ValidationError("The last day comes on or after the first day.")

    def filters(self) -> AuditFilters:
        """The valid filters (everything, when any is invalid: the page says which)."""
        applied = self.applied("action", "org", "actor", "organization", "since", "until")
        return AuditFilters(
            action=applied.get("action"),
            organization_id=applied.get("org"),
            organization_name=applied.get("organization", ""),
            actor=applied.get("actor", ""),
            since=applied.get("since"),
            until=applied.get("until"),
        )

    def link_args(self) -> dict[str, str]:
        """The applied filters as query-string arguments (links, the pager, the export)."""
        applied = self.applied("action", "org", "actor", "organization", "since", "until")
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in applied.items()
        }
