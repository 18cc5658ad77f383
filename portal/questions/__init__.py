"""Partner questions: asked from any page, answered by the partner team on a topic's clock."""

from __future__ import annotations

from flask import Flask, url_for
from flask_login import current_user

from portal.subject_questions import AboutQuestions, AskedQuestion, register_questions_about


def init_app(app: Flask) -> None:
    from portal.questions import staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    register_questions_about(app, _questions_about)


def _questions_about(kind: str, key: str) -> AboutQuestions | None:
    """The subject page's slot: where to ask about it, and the organisation's questions on it."""
    from portal.questions.listing import about_subject
    from portal.questions.models import PARTNER_STATUS_LABELS

    user = current_user
    if not getattr(user, "is_authenticated", False) or not user.is_partner:
        return None
    if user.organization_id is None:
        return None
    asked = about_subject(user.organization_id, kind, key)
    return AboutQuestions(
        ask_url=url_for("questions.new", about=f"{kind}:{key}"),
        questions=tuple(
            AskedQuestion(
                subject=q.subject,
                url=url_for("questions.detail", question_id=q.id),
                status=PARTNER_STATUS_LABELS.get(q.status, q.status),
            )
            for q in asked
        ),
    )
