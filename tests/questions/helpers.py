"""Shared builders for the question tests."""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.questions.api import ask
from portal.questions.models import PartnerQuestion


def new_question(
    user: User,
    subject: str = "When is the Q3 payout?",
    body: str = "Our commission on R-000001 shows approved; when is it paid?",
    topic: str = "commissions",
    now: datetime | None = None,
) -> PartnerQuestion:
    """A question asked by `user`, committed."""
    question = ask(user, topic, subject, body, None, current_content().program, now=now)
    db.session.commit()
    return question
