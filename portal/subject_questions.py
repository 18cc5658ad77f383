"""The "Ask about this" slot on subject pages: a referral, a commission, a kit, a module, a page.

Those pages belong to features (referrals, kits, learning, main) that the questions feature
reads through their doors, so they may not import it back. The questions feature registers a
source at start (`register_questions_about`); the pages' templates call the Jinja global
`questions_about(kind, key)` and get the link to ask and the organisation's questions about
that subject, or None when no source is registered (then the pages show nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

__all__ = ["AboutQuestions", "AskedQuestion", "questions_about", "register_questions_about"]

_EXTENSION = "questions_about_source"


@dataclass(frozen=True)
class AskedQuestion:
    """One question about the subject, as its page lists it."""

    subject: str
    url: str
    status: str  # in the partner's words: "Answered", "Waiting for your reply"


@dataclass(frozen=True)
class AboutQuestions:
    """What the subject page shows: where to ask, and what the organisation asked already."""

    ask_url: str
    questions: tuple[AskedQuestion, ...]


QuestionsAboutSource = Callable[[str, str], AboutQuestions | None]


def register_questions_about(app: Flask, source: QuestionsAboutSource) -> None:
    """Called once at start by the questions feature."""
    app.extensions[_EXTENSION] = source
    app.jinja_env.globals["questions_about"] = questions_about


def questions_about(kind: str, key: str) -> AboutQuestions | None:
    """The slot for a subject page; None without a registered source (or a usable user)."""
    source: QuestionsAboutSource | None = current_app.extensions.get(_EXTENSION)
    return None if source is None else source(kind, key)
