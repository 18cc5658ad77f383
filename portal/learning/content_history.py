"""What learners did with the learning content, for `flask content check`'s history warnings.

The content engine has no database (portal.content.history_check); the CLI reads this and
passes it in, so the check can warn when an edit removes a path, module, question or choice
that attempts or certificates still name.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.content.history_check import LearnerHistory
from portal.extensions import db
from portal.learning.models import Certification, QuizAttempt

_ANSWER_BATCH = 1000


def learner_history() -> LearnerHistory:
    """Attempts per module, certificates per path and the choice ids answered per question."""
    attempts = {
        (path_id, module_id): count
        for path_id, module_id, count in db.session.execute(
            sa.select(QuizAttempt.path_id, QuizAttempt.module_id, sa.func.count()).group_by(
                QuizAttempt.path_id, QuizAttempt.module_id
            )
        )
    }
    certificates: dict[str, int] = {}
    for path_id, count in db.session.execute(
        sa.select(Certification.path_id, sa.func.count()).group_by(Certification.path_id)
    ):
        certificates[path_id] = count
    answered: dict[tuple[str, str, str], set[str]] = {}
    rows = db.session.execute(
        sa.select(QuizAttempt.path_id, QuizAttempt.module_id, QuizAttempt.answers)
        .where(QuizAttempt.answers.is_not(None))
        .execution_options(yield_per=_ANSWER_BATCH)
    )
    for path_id, module_id, answers in rows:
        for question_id, keys in (answers or {}).items():
            answered.setdefault((path_id, module_id, question_id), set()).update(keys)
    return LearnerHistory(
        attempts=attempts,
        certificates=certificates,
        answers={key: frozenset(keys) for key, keys in answered.items()},
    )
