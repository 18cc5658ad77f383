"""Partner question pages: the organisation's questions, asking one, one thread, replying.

Every look-up goes through `question_for` (scoped to the partner's organisation): another
organisation's question is simply not found. Partners never read internal notes.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal.accounts.access import partner_required, scoped_to_org
from portal.content_runtime import current_content
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.ids import parse_id
from portal.questions.forms import AskForm, ReplyForm
from portal.questions.listing import partner_page
from portal.questions.models import PARTNER_STATUS_LABELS, PartnerQuestion
from portal.questions.service import QuestionError, ask, reply
from portal.questions.subjects import resolve, stored
from portal.questions.thread import thread

bp = Blueprint("questions", __name__, url_prefix="/questions")


def question_for(question_id: int) -> PartnerQuestion:
    """The question if it belongs to the partner's organisation; 404 otherwise."""
    stmt = sa.select(PartnerQuestion).where(PartnerQuestion.id == question_id)
    question = db.session.scalar(scoped_to_org(stmt, PartnerQuestion.organization_id, current_user))
    if question is None:
        abort(404)
    return question


@bp.get("")
@partner_required
def index():
    """The organisation's questions to the partner team, newest first."""
    before = parse_id(request.args.get("before"))
    page = partner_page(current_user.organization_id, before)
    return render_page(
        "questions/index.html",
        "question_list",
        page=page,
        labels=PARTNER_STATUS_LABELS,
        topic_name=current_content().program.governance.topic_name,
    )


@bp.route("/new", methods=["GET", "POST"])
@partner_required
def new():
    """Ask the partner team: topic, subject, question, and what it is about (optional)."""
    content = current_content()
    form = AskForm()
    form.set_topics(content.program)
    about_text = form.about.data if request.method == "POST" else request.args.get("about")
    subject = resolve(about_text, current_user, content)
    if request.method == "GET":
        form.about.data = subject.about if subject is not None else ""
    if form.validate_on_submit():
        try:
            question = ask(
                current_user,
                form.topic.data or "",
                field_text(form.subject),
                field_text(form.body),
                subject,
                content.program,
            )
        except QuestionError as refused:
            _show_error(form, refused)
        else:
            db.session.commit()
            flash("Your question is with the partner team.", "success")
            return redirect(url_for("questions.detail", question_id=question.id), 303)
    status = 422 if form.errors else 200
    return render_page(
        "questions/new.html", "ask_form", status, form=form, about=subject,
        has_topics=bool(content.program.governance.topics),
    )  # fmt: skip


@bp.get("/<id:question_id>")
@partner_required
def detail(question_id: int):
    """One question's thread, its subject and the reply form."""
    return _detail_page(question_for(question_id), ReplyForm())


@bp.post("/<id:question_id>/reply")
@partner_required
def reply_view(question_id: int):
    """The partner writes again in the thread."""
    question = question_for(question_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            reply(current_user, question, field_text(form.body), current_content().program)
        except QuestionError as refused:
            _show_error(form, refused)
        else:
            db.session.commit()
            flash("Your reply is with the partner team.", "success")
            return redirect(url_for("questions.detail", question_id=question.id), 303)
    return _detail_page(question, form, status=422)


def _detail_page(question: PartnerQuestion, form: ReplyForm, status: int = 200):
    content = current_content()
    return render_page(
        "questions/detail.html",
        "question_thread",
        status,
        question=question,
        messages=thread(question.id, partner_view=True),
        about=stored(question.about_kind, question.about_key, current_user, content),
        topic_name=content.program.governance.topic_name(question.topic),
        status_label=PARTNER_STATUS_LABELS.get(question.status, question.status),
        form=form,
    )


def _show_error(form, refused: QuestionError) -> None:
    target = form[refused.field] if refused.field and refused.field in form else None
    if target is not None:
        target.errors = [*target.errors, refused.message]
    else:
        form.form_errors.append(refused.message)
