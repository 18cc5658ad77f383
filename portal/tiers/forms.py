"""Staff forms: deciding a tier review, recording an attested fact."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from portal.bounds import MaxLength
from portal.content.model import Program
from portal.form_fields import ALWAYS_CHOSEN, SelectChoice
from portal.tiers.decisions import NOTE_MAX, REASON_MAX


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ReviewDecisionForm(FlaskForm):
    """Approve or decline a tier review; the reason goes on the organisation's history."""

    reason = TextAreaField(
        "Reason",
        validators=[
            MaxLength(REASON_MAX, message=f"Keep it to {REASON_MAX} characters."),
            DataRequired("Say why, for the organisation's history."),
        ],
        filters=[_stripped],
    )


class AttestedFactForm(FlaskForm):
    """A fact the partner team records for an organisation, with its date and a note."""

    # Ids of their own: the organisation page also holds the meeting form, with its own note.
    fact = SelectField(
        "Fact",
        id="fact-kind",
        validators=[DataRequired("Choose a fact.")],
        render_kw=ALWAYS_CHOSEN,
    )
    attested_on = DateField(
        "On",
        id="fact-attested-on",
        validators=[DataRequired("Enter the date it happened, e.g. 2026-03-14.")],
    )
    note = TextAreaField(
        "Note",
        id="fact-note",
        validators=[
            MaxLength(NOTE_MAX, message=f"Keep it to {NOTE_MAX} characters."),
            DataRequired("Add a note: what happened, who was there."),
        ],
        filters=[_stripped],
    )

    def set_program(self, program: Program) -> None:
        """Offer the program's attested facts (they change with the content)."""
        self.fact.choices = [SelectChoice(f.id, f.name) for f in program.attested_facts]
