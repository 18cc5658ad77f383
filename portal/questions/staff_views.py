"""The partner team's side: the queue, one question, and each staff action (one POST each).

Views parse, call a rule in service.py (which audits), commit once and go back to the page.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Organization, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.ids import parse_id
from portal.questions.export import queue_csv
from portal.questions.forms import AnswerForm, AssignForm, FaqForm, NoteForm, QueueFilters
from portal.questions.listing import (
    QueueQuery,
    count_text,
    queue_page,
    staff_choices,
    status_counts,
)
from portal.questions.models import STATUS_LABELS, PartnerQuestion, QuestionMessage, QuestionStatus
from portal.questions.service import (
    QuestionError,
    add_note,
    assign,
    breached,
    first_response_clock,
    lock_question,
    mark_faq,
    respond,
)
from portal.questions.subjects import KINDS
from portal.questions.thread import faq_page, thread
from portal.referrals.api import describe

bp = Blueprint("staff_questions", __name__, url_prefix="/staff/questions")


def _filters() -> tuple[QueueFilters, QueueQuery, tuple[str, ...]]:
    program = current_content().program
    form = QueueFilters(formdata=request.args)
    form.set_topics(program)
    form.validate()
    applied = form.applied("status", "topic", "group", "assignee", "overdue")
    query = QueueQuery(
        status=applied.get("status", QuestionStatus.NEW),
        topic=applied.get("topic", ""),
        assignee=applied.get("assignee", ""),
        viewer_id=current_user.id,
        overdue_at=utcnow() if applied.get("overdue") else None,
    )
    # A group's queue is its topics'; a topic outside the chosen group leaves nothing.
    topics = {t.id for t in program.governance.topics}
    if query.topic:
        topics &= {query.topic}
    if applied.get("group"):
        topics &= {t.id for t in program.governance.topics if t.group == applied["group"]}
    if not query.topic and not applied.get("group"):
        return form, query, ()
    return form, query, tuple(sorted(topics)) or ("",)


@bp.get("")
@staff_required
def queue():
    """The question queue: one tab at a time, the running clocks first."""
    form, query, topics = _filters()
    page = queue_page(query, topics, form.value("after"))
    program = current_content().program
    now = utcnow()
    filters = {k: v for k, v in form.applied("topic", "group", "assignee", "overdue").items() if v}
    return render_page(
        "questions/queue.html", "queue_list", form.status_code,
        form=form, query=query, page=page, counts=status_counts(now), count_text=count_text,
        labels=STATUS_LABELS, filters=filters,
        topic_name=program.governance.topic_name, now=now,
        clock_of=first_response_clock, describe=describe, breached=breached,
    )  # fmt: skip


@bp.get("/export.csv")
@staff_required
def export():
    """The queue's current tab and filters as CSV (formula-guarded cells)."""
    _form, query, topics = _filters()
    program = current_content().program
    body = stream_with_context(queue_csv(query, topics, program.governance.topic_name))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="questions.csv"'},
    )


@bp.get("/faq")
@staff_required
def faq():
    """Answers marked worth an FAQ, each as a Markdown snippet for content/pages/faq.md."""
    page = faq_page(parse_id(request.args.get("before")))
    return render_page("questions/faq.html", "faq_list", page=page, form=FaqForm())


@bp.get("/<id:question_id>")
@staff_required
def detail(question_id: int):
    """One question: its thread with internal notes, the clock, and the staff actions."""
    question = db.session.get(PartnerQuestion, question_id)
    if question is None:
        abort(404)
    return _detail_page(question)


@bp.post("/<id:question_id>/answer")
@staff_required
def answer(question_id: int):
    """Answer in the thread (or ask the partner for more); the asker is e-mailed."""
    question = _locked(question_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            respond(
                current_user,
                question,
                field_text(form.body),
                form.outcome.data or "",
                worth_faq=bool(form.worth_faq.data),
            )
        except QuestionError as refused:
            form.form_errors.append(refused.message)
        else:
            db.session.commit()
            flash("Sent to the partner.", "success")
            return redirect(url_for("staff_questions.detail", question_id=question.id), 303)
    return _detail_page(question, answer_form=form, status=422)


@bp.post("/<id:question_id>/note")
@staff_required
def note(question_id: int):
    """Add an internal note (the partner never reads it)."""
    question = _locked(question_id)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(current_user, question, field_text(form.note))
        db.session.commit()
        flash("Note added.", "success")
        return redirect(url_for("staff_questions.detail", question_id=question.id), 303)
    return _detail_page(question, note_form=form, status=422)


@bp.post("/<id:question_id>/assign")
@staff_required
def assign_view(question_id: int):
    """Give the question to someone on the partner team, or to nobody."""
    question = _locked(question_id)
    form = AssignForm()
    form.set_staff(staff_choices())
    if form.validate_on_submit():
        chosen = form.assignee.data or ""
        assignee = None
        if chosen:
            user_id = parse_id(chosen)
            assignee = db.session.get(User, user_id) if user_id is not None else None
        try:
            if chosen and assignee is None:
                raise QuestionError("Choose someone on the partner team.")
            assign(current_user, question, assignee)
        except QuestionError as refused:
            form.assignee.errors = [refused.message]
        else:
            db.session.commit()
            flash("Assignment saved.", "success")
            return redirect(url_for("staff_questions.detail", question_id=question.id), 303)
    return _detail_page(question, assign_form=form, status=422)


@bp.post("/<id:question_id>/messages/<id:message_id>/faq")
@staff_required
def faq_mark(question_id: int, message_id: int):
    """Mark an answer worth an FAQ ("worth=1") or no longer ("worth=0")."""
    question = _locked(question_id)
    message = db.session.get(QuestionMessage, message_id)
    if message is None or message.question_id != question.id:
        abort(404)
    form = FaqForm()
    if not form.validate_on_submit() or form.worth.data not in ("0", "1"):
        abort(400)
    try:
        mark_faq(current_user, message, form.worth.data == "1")
    except QuestionError:
        abort(400)
    db.session.commit()
    flash("FAQ mark saved.", "success")
    return redirect(url_for("staff_questions.detail", question_id=question.id), 303)


def _locked(question_id: int) -> PartnerQuestion:
    question = lock_question(question_id)
    if question is None:
        abort(404)
    return question


def _detail_page(
    question: PartnerQuestion,
    answer_form: AnswerForm | None = None,
    note_form: NoteForm | None = None,
    assign_form: AssignForm | None = None,
    status: int = 200,
):
    program = current_content().program
    if assign_form is None:
        assign_form = AssignForm(assignee=str(question.assignee_id or ""))
        assign_form.set_staff(staff_choices())
    topic = program.governance.topic(question.topic)
    organization = db.session.get(Organization, question.organization_id)
    asker = db.session.get(User, question.asked_by_id)
    now = utcnow()
    sla_clock = first_response_clock(question, now)
    return render_page(
        "questions/staff_detail.html", "staff_question", status,
        question=question, messages=thread(question.id, partner_view=False),
        organization=organization, asker=asker,
        topic_name=topic.name if topic else question.topic,
        group=topic.group if topic else "",
        about=_about_label(question), status_label=STATUS_LABELS.get(question.status, ""),
        clock_words=describe(sla_clock) if sla_clock else None,
        clock_state=sla_clock.state if sla_clock else None,
        breached=breached(question, now),
        answer_form=answer_form or AnswerForm(), note_form=note_form or NoteForm(),
        assign_form=assign_form, faq_form=FaqForm(),
    )  # fmt: skip


def _about_label(question: PartnerQuestion) -> tuple[str, str | None] | None:
    """The subject in words for staff, with the inbox link for a referral or its commission
    (the partner pages of kits, modules and program pages are not the partner team's)."""
    if question.about_kind is None or question.about_key is None:
        return None
    label = f"{KINDS.get(question.about_kind, question.about_kind)} {question.about_key}"
    if question.about_kind in ("referral", "commission"):
        return label, url_for("inbox.referral", ref=question.about_key)
    return label, None
