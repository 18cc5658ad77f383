"""The questions feature's public door: what other code (demo data, benches) may import.

Where each rule lives: service.py (asking, replying, every staff action and the first-response
clock), subjects.py (what a question may be about), listing.py (the staff queue and the
partner's list), thread.py (a thread, the FAQ candidates and their Markdown).
"""

from __future__ import annotations

from portal.questions.models import MessageKind, QuestionStatus
from portal.questions.service import (
    BODY_MAX,
    SUBJECT_MAX,
    QuestionError,
    add_note,
    ask,
    assign,
    breached,
    breached_condition,
    lock_question,
    mark_faq,
    reply,
    respond,
)
from portal.questions.subjects import Subject, resolve
from portal.questions.thread import faq_snippet

__all__ = [
    "BODY_MAX",
    "SUBJECT_MAX",
    "MessageKind",
    "QuestionError",
    "QuestionStatus",
    "Subject",
    "add_note",
    "ask",
    "assign",
    "breached",
    "breached_condition",
    "faq_snippet",
    "lock_question",
    "mark_faq",
    "reply",
    "resolve",
    "respond",
]
