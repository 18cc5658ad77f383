"""A graded attempt's history: the snapshot kept with it, and the attempts people may read.

The snapshot is what the learner saw and was graded on, written once when the attempt is
graded; the history pages show it and never today's content, so an edit of the quiz (a new
wording, a reordered or removed choice) never rewrites a past attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.learning.grading import GradeResult
from portal.learning.models import QuizAttempt

HISTORY_PAGE_SIZE = 50


def snapshot(result: GradeResult) -> list[dict[str, Any]]:
    """Each graded question as shown, in display order, with its choices and the answer."""
    return [
        {
            "id": r.question.id,
            "number": r.number,
            "type": r.question.type,
            "prompt": r.question.prompt,
            "explain": r.question.explain,
            "correct": r.correct,
            "choices": [
                {
                    "key": c.key,
                    "text": c.text,
                    "correct": c.correct,
                    "explain": c.explain,
                    "chosen": c.key in r.selected,
                }
                for c in r.choices
            ],
        }
        for r in result.questions
    ]


@dataclass(frozen=True)
class PastAttempt:
    """One graded attempt as its history page shows it."""

    attempt: QuizAttempt
    questions: list[dict[str, Any]]  # the snapshot; empty for attempts graded before it existed


def graded_attempts(
    *, user_id: int | None = None, organization_id: int | None = None
) -> list[PastAttempt]:
    """The latest graded attempts of one learner or one organisation, newest first."""
    query = sa.select(QuizAttempt).where(QuizAttempt.passed.is_not(None))
    if user_id is not None:
        query = query.where(QuizAttempt.user_id == user_id)
    if organization_id is not None:
        query = query.where(QuizAttempt.organization_id == organization_id)
    if organization_id is not None:  # the staff page names each learner
        query = query.options(selectinload(QuizAttempt.user))
    rows = db.session.scalars(
        query.order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc()).limit(
            HISTORY_PAGE_SIZE
        )
    )
    return [PastAttempt(row, row.snapshot or []) for row in rows]


def attempts_by_content_version(organization_id: int) -> list[tuple[str, int]]:
    """(content version, graded attempts) for one organisation, most attempts first."""
    rows = db.session.execute(
        sa.select(QuizAttempt.content_version, sa.func.count())
        .where(QuizAttempt.organization_id == organization_id, QuizAttempt.passed.is_not(None))
        .group_by(QuizAttempt.content_version)
        .order_by(sa.func.count().desc(), QuizAttempt.content_version)
    ).all()
    return [(version, count) for version, count in rows]
