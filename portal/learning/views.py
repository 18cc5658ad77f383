"""Learning views: paths, modules with their quiz, starting and submitting attempts.

Their URLs are in `blueprint.py`, beside those of `certificate_views` (certificates, claiming
one, verification, revocation). Views parse, call the functions in attempts/progress/
certificates, and render. POST views that answer with a page render it before the single
commit: nothing is read back from the database after the commit, which keeps every page
within its query budget.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from jinja2_fragments.flask import render_block

from portal.accounts.access import partner_required, scoped_to_org
from portal.accounts.models import Organization
from portal.audit.service import record_content_view_and_commit
from portal.content.model import LearningPath, Module
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.attempts import (
    AttemptError,
    QuestionsChanged,
    attempt_window,
    complete_module,
    is_open_for,
    latest_attempt,
    start_attempt,
    submit_attempt,
)
from portal.learning.forms import ActionForm
from portal.learning.grading import (
    AnswerError,
    GradeResult,
    selections_from_form,
    shown_questions,
)
from portal.learning.models import QuizAttempt
from portal.learning.progress import (
    IN_PROGRESS,
    NOT_STARTED,
    PathProgress,
    path_progress,
    paths_progress,
)
from portal.learning.quiz_edits import update_plan
from portal.learning.review import review

MODULE_PAGE = "learning/module.html"


@partner_required
def paths():
    """The learning paths for the partner's type, with progress."""
    org = organization()
    available = current_content().paths_for(org.partner_type)
    return render_template("learning/paths.html", progress=paths_progress(current_user, available))


@partner_required
def path(path_id: str):
    """A path: its modules in order with state and availability, and the certification."""
    learning_path = path_or_404(path_id)
    progress = path_progress(current_user, learning_path)
    return render_template(
        "learning/path.html",
        path=learning_path,
        progress=progress,
        form=ActionForm(formdata=None),
    )


@partner_required
def module(path_id: str, module_id: str):
    """A module's lesson and its quiz (the open attempt's questions, never the answers)."""
    learning_path, mod = _module_or_404(path_id, module_id)
    if request.method == "GET":  # a content view, at most once a day (engagement)
        record_content_view_and_commit(current_user, f"module:{learning_path.id}/{mod.id}")
    progress = path_progress(current_user, learning_path)
    return render_template(MODULE_PAGE, **_module_context(learning_path, mod, progress))


@partner_required
def start_attempt_view(path_id: str, module_id: str):
    """Start (or resume) an attempt at the module's quiz, then show it."""
    learning_path, mod = _module_or_404(path_id, module_id)
    now = utcnow()
    progress = path_progress(current_user, learning_path, now, with_attempts=False)
    if _refuse_if_locked(progress, mod):
        return _back_to(learning_path, mod)
    try:
        version = current_content().version
        start_attempt(current_user, learning_path, mod, version, now, progress=progress)
    except AttemptError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
    return _back_to(learning_path, mod, "quiz")


@partner_required
def submit_attempt_view(path_id: str, module_id: str, attempt_id: int):
    """Grade an attempt: the result (the answers only after a pass), or the form again with
    the problem."""
    learning_path, mod = _module_or_404(path_id, module_id)
    attempt = db.session.scalar(
        scoped_to_org(
            sa.select(QuizAttempt).where(QuizAttempt.id == attempt_id),
            QuizAttempt.organization_id,
            current_user,
        )
    )
    if (
        attempt is None
        or attempt.user_id != current_user.id
        or (attempt.path_id, attempt.module_id) != (learning_path.id, mod.id)
    ):
        abort(404)
    now = utcnow()
    before = path_progress(current_user, learning_path, now, with_attempts=False)
    try:
        submission = submit_attempt(attempt, learning_path, mod, request.form, now, before)
    except AnswerError as problem:
        context = _module_context(
            learning_path,
            mod,
            before,
            now,
            attempt=attempt,
            quiz_error=problem.message,
            selections=selections_from_form(attempt.questions, request.form),
        )
        return _render_quiz(context, status=422)
    except QuestionsChanged as changed:  # still open: keep the answers to the others
        selections = selections_from_form(attempt.questions, request.form)
        context = _module_context(
            learning_path,
            mod,
            before,
            now,
            attempt=attempt,
            quiz_error=changed.message,
            selections={k: v for k, v in selections.items() if k not in changed.stale_ids},
        )
        return _render_quiz(context, status=409)
    except AttemptError as refused:  # nothing changed, except a stale attempt now voided
        context = _module_context(learning_path, mod, before, now, quiz_error=refused.message)
        response = _render_quiz(context, status=409)
        db.session.commit()
        return response
    context = _module_context(
        learning_path, mod, submission.progress, now, attempt=attempt, result=submission.result
    )
    response = _render_quiz(context)
    db.session.commit()
    return response


@partner_required
def complete_module_view(path_id: str, module_id: str):
    """Mark a module without a quiz as read and passed."""
    learning_path, mod = _module_or_404(path_id, module_id)
    now = utcnow()
    progress = path_progress(current_user, learning_path, now, with_attempts=False)
    if _refuse_if_locked(progress, mod):
        return _back_to(learning_path, mod)
    try:
        complete_module(current_user, learning_path, mod, now, progress)
    except AttemptError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _back_to(learning_path, mod)
    db.session.commit()
    flash(f"“{mod.title}” is complete.", "success")
    return redirect(url_for("learning.path", path_id=learning_path.id), code=303)


def organization() -> Organization:
    """The signed-in partner's organisation (403 without one)."""
    org = current_user.organization
    if org is None:
        abort(403)
    return org


def path_or_404(path_id: str) -> LearningPath:
    """A learning path open to the partner's type, or 404."""
    learning_path = current_content().paths.get(path_id)
    if learning_path is None or not learning_path.is_for(organization().partner_type):
        abort(404)
    return learning_path


def _module_or_404(path_id: str, module_id: str) -> tuple[LearningPath, Module]:
    learning_path = path_or_404(path_id)
    mod = learning_path.module(module_id)
    if mod is None:
        abort(404)
    return learning_path, mod


def _refuse_if_locked(progress: PathProgress, mod: Module) -> bool:
    state = progress.module(mod.id)
    if state is None or state.available:
        return False
    names = ", ".join(f"“{m.title}”" for m in state.waiting_for)
    flash(f"Finish {names} first.", "error")
    return True


def _back_to(learning_path: LearningPath, mod: Module, anchor: str | None = None):
    url = url_for("learning.module", path_id=learning_path.id, module_id=mod.id, _anchor=anchor)
    return redirect(url, code=303)


def _module_context(
    learning_path: LearningPath,
    mod: Module,
    progress: PathProgress,
    now: datetime | None = None,
    *,
    attempt: QuizAttempt | None = None,
    result: GradeResult | None = None,
    quiz_error: str | None = None,
    selections: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Everything the module page shows; `attempt` is the one just submitted, if any."""
    now = now or utcnow()
    state = progress.module(mod.id)
    if state is not None and attempt is not None and state.state == NOT_STARTED:
        state = dataclasses.replace(state, state=IN_PROGRESS)  # the attempt just made
    quiz = mod.quiz
    context: dict[str, Any] = {
        "path": learning_path,
        "module": mod,
        "progress": progress,
        "state": state,
        "quiz": quiz,
        "result": result,
        "review": review(result) if result is not None else (),
        "quiz_error": quiz_error,
        "selections": selections or {},
        "form": ActionForm(formdata=None),
        "open_attempt": None,
        "questions": (),
        "last_graded": None,
        "window": None,
        "now": now,
    }
    if quiz is None or state is None or not state.available:
        return context
    latest = (
        attempt if attempt is not None else latest_attempt(current_user, learning_path.id, mod.id)
    )
    if result is None and not state.passed and is_open_for(latest, quiz):
        assert latest is not None
        context["open_attempt"] = latest
        plan = update_plan(latest.questions, quiz, latest.quiz_version).plan
        context["questions"] = shown_questions(quiz, plan)
        return context
    if latest is not None and latest.submitted_at is not None and latest.passed is not None:
        context["last_graded"] = latest
    if not state.passed:
        context["window"] = attempt_window(current_user, learning_path.id, mod.id, quiz, now)
    return context


def _render_quiz(context: dict[str, Any], status: int = 200):
    """The quiz block for htmx (status 200, so htmx swaps it), else the whole page."""
    if request.htmx:
        return render_block(MODULE_PAGE, "quiz", **context)
    return render_template(MODULE_PAGE, **context), status
