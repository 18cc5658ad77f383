"""Forms for compliance documents: a partner admin's upload, the partner team's decision.

The file is checked by the view as it reads it (size, then type by content: documents.py);
the file field only says a file was chosen.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.bounds import MaxLength
from portal.compliance.models import REASON_MAX
from portal.content.model_compliance import ComplianceDocumentType
from portal.form_fields import ALWAYS_CHOSEN

ACCEPT = ".pdf,.png,.jpg,.jpeg"


class DocumentUploadForm(FlaskForm):
    """One document's new version."""

    document_type = SelectField(
        "Document", validators=[DataRequired()], validate_choice=True, render_kw=ALWAYS_CHOSEN
    )
    file = FileField("File (PDF, PNG or JPEG)", render_kw={"accept": ACCEPT})
    submit = SubmitField("Upload for review")

    def set_documents(self, documents: tuple[ComplianceDocumentType, ...]) -> None:
        self.document_type.choices = [(d.id, d.name) for d in documents]

    def has_file(self) -> bool:
        data = self.file.data
        return bool(data is not None and getattr(data, "filename", ""))


class ApproveDocumentForm(FlaskForm):
    """Approve a version; the expiry date for documents that expire."""

    expires_on = DateField(
        "Expires on",
        validators=[Optional()],
        description="The last day the document is valid, as printed on it.",
    )
    submit = SubmitField("Approve")


class RejectDocumentForm(FlaskForm):
    """Reject a version with the reason the partner admins read."""

    reason = TextAreaField(
        "Why it is rejected (the partner reads this)",
        validators=[
            MaxLength(REASON_MAX),
            DataRequired(message="Say why the document is rejected."),
        ],
    )
    submit = SubmitField("Reject")
