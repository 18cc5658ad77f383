"""The question forms: asking, replying, answering, notes, assignment, FAQ marks, the queue's
filters. Every text field is bounded (MaxLength) before anything else reads it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.bounds import MaxLength
from portal.content.model import Program
from portal.form_fields import ALWAYS_CHOSEN, FilterForm, SelectChoice
from portal.questions.models import STATUS_LABELS, QuestionStatus
from portal.questions.service import BODY_MAX, OUTCOMES, SUBJECT_MAX
from portal.questions.subjects import ABOUT_MAX

__all__ = [
    "AnswerForm",
    "AskForm",
    "AssignForm",
    "FaqForm",
    "NoteForm",
    "QueueFilters",
    "ReplyForm",
]

CURSOR_MAX = 200


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class AskForm(FlaskForm):
    """A partner's question: topic, a one-line subject, the question, what it is about."""

    topic = SelectField("Topic", validators=[DataRequired("Choose a topic.")])
    subject = StringField(
        "Subject",
        filters=[_strip],
        validators=[MaxLength(SUBJECT_MAX), DataRequired("Say in a line what it is about.")],
    )
    body = TextAreaField(
        "Your question",
        filters=[_strip],
        validators=[MaxLength(BODY_MAX), DataRequired("Write your question.")],
    )
    about = HiddenField(validators=[MaxLength(ABOUT_MAX)])

    def set_topics(self, program: Program) -> None:
        """Offer the program's topics, with the first-response time partners can expect."""
        self.topic.choices = [SelectChoice("", "Choose a topic")] + [
            SelectChoice(
                t.id,
                f"{t.name} (first answer within {program.sla_hours_text(t.first_response_hours)})",
            )
            for t in program.governance.topics
        ]


class ReplyForm(FlaskForm):
    """The partner writes again in the thread."""

    body = TextAreaField(
        "Your reply",
        filters=[_strip],
        validators=[MaxLength(BODY_MAX), DataRequired("Write your reply.")],
    )


class AnswerForm(FlaskForm):
    """Staff answer in the thread (or ask the partner for more)."""

    body = TextAreaField(
        "Answer to the partner",
        filters=[_strip],
        validators=[MaxLength(BODY_MAX), DataRequired("Write the answer.")],
    )
    outcome = RadioField(
        "This message",
        choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
        default=QuestionStatus.ANSWERED,
        validators=[DataRequired("Choose whether this answers the question.")],
    )
    worth_faq = BooleanField("Worth an FAQ (the content team sees it in the FAQ list)")


class NoteForm(FlaskForm):
    """An internal note: never shown to the partner."""

    note = TextAreaField(
        "Internal note",
        filters=[_strip],
        validators=[MaxLength(BODY_MAX), DataRequired("Write the note.")],
    )


class AssignForm(FlaskForm):
    """Who on the partner team has the question: an id, or "" for nobody."""

    assignee = SelectField("Assigned to", validate_choice=False, render_kw=ALWAYS_CHOSEN)

    def set_staff(self, staff: list[tuple[int, str]]) -> None:
        self.assignee.choices = [
            SelectChoice("", "Nobody"),
            *(SelectChoice(str(i), name) for i, name in staff),
        ]


class FaqForm(FlaskForm):
    """Mark an answer worth an FAQ ("1") or no longer ("0")."""

    worth = HiddenField(validators=[MaxLength(1)])


class QueueFilters(FilterForm):
    """The staff queue's tab, topic, assignee and page cursor (query string)."""

    status = SelectField(
        "Queue",
        choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()],
        default=QuestionStatus.NEW,
        validators=[Optional()],
        render_kw=ALWAYS_CHOSEN,
    )
    topic = SelectField("Topic", validators=[Optional()], render_kw=ALWAYS_CHOSEN)
    assignee = SelectField(
        "Assigned to",
        choices=[
            SelectChoice("", "Anyone"),
            SelectChoice("me", "Me"),
            SelectChoice("nobody", "Nobody"),
        ],
        validators=[Optional()],
        render_kw=ALWAYS_CHOSEN,
    )
    group = SelectField("Staff group", validators=[Optional()], render_kw=ALWAYS_CHOSEN)
    overdue = BooleanField("Past the first-response time")
    after = StringField(validators=[Optional(), MaxLength(CURSOR_MAX)])

    def set_topics(self, program: Program) -> None:
        self.topic.choices = [SelectChoice("", "Every topic")] + [
            SelectChoice(t.id, f"{t.name} ({t.group})") for t in program.governance.topics
        ]
        groups = sorted({t.group for t in program.governance.topics})
        self.group.choices = [SelectChoice("", "Every group")] + [
            SelectChoice(g, g) for g in groups
        ]
