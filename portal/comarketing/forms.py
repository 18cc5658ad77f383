"""Forms for co-marketing approvals: submit a piece, send a new version, decide, filter.

Files are checked by the view as it reads them (size, then type by content: service.py);
the file field only says a file was chosen.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.bounds import MaxLength
from portal.comarketing.models import CHANNEL_LABELS, STATUS_LABELS, DecisionKind
from portal.comarketing.service import COMMENT_MAX, NOTE_MAX, TITLE_MAX, URL_MAX
from portal.form_fields import ALWAYS_CHOSEN, FilterForm, SelectChoice

NO_KIT = ""
FILE_OR_URL = "Upload the piece as a file or give its address, one of the two."
ACCEPT = ".pdf,.png,.jpg,.jpeg,.html,.htm,.docx"
MAX_PLANNED_YEAR = 2100


class _VersionFields(FlaskForm):
    """A version of a piece: a file or a web address (exactly one)."""

    file = FileField("File (PDF, PNG, JPEG, HTML or DOCX)", render_kw={"accept": ACCEPT})
    url = URLField(
        "Or its web address",
        validators=[Optional(), MaxLength(URL_MAX)],
        description="For a page or post already published somewhere only reviewers can see.",
    )

    def validate_url(self, field: URLField) -> None:
        """Only web addresses: the address becomes a link on the reviewer's page."""
        value = (field.data or "").strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter an address that starts with https:// or http://.")
        if value and any(c.isspace() or not c.isprintable() for c in value):
            raise ValidationError("A web address has no spaces in it.")

    def has_file(self) -> bool:
        data = self.file.data
        return bool(data is not None and getattr(data, "filename", ""))

    def check_one_of(self) -> bool:
        """Exactly one of file and address; the message goes beside the file field."""
        if self.has_file() == bool((self.url.data or "").strip()):
            self.file.errors = [*self.file.errors, FILE_OR_URL]
            return False
        return True


class PieceForm(_VersionFields):
    """A co-marketing piece to submit for approval."""

    title = StringField("Title", validators=[DataRequired(), MaxLength(TITLE_MAX)])
    channel = SelectField(
        "Channel",
        choices=[SelectChoice(key.value, label) for key, label in CHANNEL_LABELS.items()],
        validators=[DataRequired()],
        render_kw=ALWAYS_CHOSEN,
    )
    planned_on = DateField(
        "Planned date", validators=[DataRequired(message="Enter the date (YYYY-MM-DD).")]
    )
    kit = SelectField("Kit it came from (optional)", default=NO_KIT, validators=[Optional()])

    def set_kits(self, kits: list[tuple[str, str]]) -> None:
        """Offer the kits the partner may see."""
        self.kit.choices = [SelectChoice(NO_KIT, "None"), *(SelectChoice(i, t) for i, t in kits)]

    def validate_planned_on(self, field: DateField) -> None:
        value: date | None = field.data
        if value is not None and not 2000 <= value.year <= MAX_PLANNED_YEAR:
            raise ValidationError("Enter a date between 2000 and 2100.")


class VersionForm(_VersionFields):
    """The next version of a piece, after the partner team asked for changes."""

    note = TextAreaField("What changed (optional)", validators=[Optional(), MaxLength(NOTE_MAX)])


DECISION_LABELS = {
    DecisionKind.APPROVED: "Approve",
    DecisionKind.CHANGES_REQUESTED: "Request changes",
    DecisionKind.REJECTED: "Reject",
}


class DecisionForm(FlaskForm):
    """A reviewer's decision on the latest version, with a comment the partner reads."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice(k.value, label) for k, label in DECISION_LABELS.items()],
        validators=[DataRequired(message="Choose a decision.")],
    )
    comment = TextAreaField(
        "Comment to the partner (needed to request changes or reject)",
        # No Optional(): it would stop the chain before validate_comment asks for a comment.
        validators=[MaxLength(COMMENT_MAX)],
    )

    def validate_comment(self, field: TextAreaField) -> None:
        if self.decision.data != DecisionKind.APPROVED and not (field.data or "").strip():
            raise ValidationError("Say what should change, or why the piece is rejected.")


class QueueFilterForm(FilterForm):
    """The staff queue's state and page cursor."""

    status = SelectField(
        "State",
        choices=[SelectChoice(k.value, label) for k, label in STATUS_LABELS.items()],
        default="submitted",
        validators=[Optional()],
        render_kw=ALWAYS_CHOSEN,
    )
    after = StringField("Page", validators=[Optional(), MaxLength(200)])
