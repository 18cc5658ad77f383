"""Route table for the question routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, partners, staff

ROUTES: dict[str, Route] = {
    "questions.index": Route("/questions", partners()),
    "questions.new": Route("/questions/new?about=page:rules", partners()),
    # partner_user's organisation asked it: the other organisation's partner gets 404.
    "questions.detail": Route("/questions/{question_id}", partners(200, other=404)),
    "questions.reply_view": Route(
        "/questions/{question_id}/reply", partners("ok", other=404), "POST", {"body": "More."}
    ),
    "staff_questions.queue": Route("/staff/questions", staff()),
    "staff_questions.export": Route("/staff/questions/export.csv", staff()),
    "staff_questions.faq": Route("/staff/questions/faq", staff()),
    "staff_questions.detail": Route("/staff/questions/{question_id}", staff()),
    "staff_questions.answer": Route(
        "/staff/questions/{question_id}/answer",
        staff("ok"),
        "POST",
        {"body": "Answered.", "outcome": "answered"},
    ),
    "staff_questions.note": Route(
        "/staff/questions/{question_id}/note", staff("ok"), "POST", {"note": "Internal."}
    ),
    "staff_questions.assign_view": Route(
        "/staff/questions/{question_id}/assign", staff("ok"), "POST", {"assignee": ""}
    ),
    "staff_questions.faq_mark": Route(
        "/staff/questions/{question_id}/messages/{answer_id}/faq",
        staff("ok"),
        "POST",
        {"worth": "1"},
    ),
}
