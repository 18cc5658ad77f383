"""Quiz attempts: the attempt window, starting an attempt, submitting it for grading.

Every query here is on one learner's attempts at one module, through the
`(user_id, path_id, module_id, started_at)` index. Functions add to the session and never
commit; a refused request changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model import LearningPath, Module, Quiz
from portal.extensions import db
from portal.learning.certificates import issue_certification_if_complete
from portal.learning.grading import FormData, GradeResult, draw_attempt_plan, grade, parse_answers
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.learning.progress import PathProgress, path_progress


class AttemptError(Exception):
    """An attempt that cannot be started or submitted; `message` is for the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptWindowClosed(AttemptError):
    def __init__(self, next_open_at: datetime):
        super().__init__(
            "You have used every attempt for now. The next attempt opens on "
            f"{next_open_at.strftime('%d %b %Y at %H:%M UTC')}."
        )
        self.next_open_at = next_open_at


class AttemptAlreadyGraded(AttemptError):
    pass


class QuizChanged(AttemptError):
    pass


@dataclass(frozen=True)
class AttemptWindow:
    """How many failed attempts count against `max_attempts` now, and when the next opens."""

    max_attempts: int | None
    cooldown_hours: int
    used: int
    next_open_at: datetime | None  # None while an attempt may be started

    @property
    def is_open(self) -> bool:
        return self.next_open_at is None

    @property
    def remaining(self) -> int | None:
        return None if self.max_attempts is None else max(0, self.max_attempts - self.used)


def attempt_window(
    user: User, path_id: str, module_id: str, quiz: Quiz, now: datetime
) -> AttemptWindow:
    """Count the failed attempts submitted in the last `cooldown_hours` (no query when the
    quiz has no `max_attempts`); once the limit is reached the next attempt opens when the
    oldest counted one is `cooldown_hours` old."""
    if quiz.max_attempts is None:
        return AttemptWindow(None, quiz.cooldown_hours, 0, None)
    cooldown = timedelta(hours=quiz.cooldown_hours)
    failed = list(
        db.session.scalars(
            sa.select(QuizAttempt.submitted_at)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.path_id == path_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.passed == sa.false(),
                QuizAttempt.submitted_at > now - cooldown,
            )
            .order_by(QuizAttempt.submitted_at.desc())
            .limit(quiz.max_attempts)
        )
    )
    next_open_at = None
    if len(failed) >= quiz.max_attempts:
        next_open_at = min(failed) + cooldown
    return AttemptWindow(quiz.max_attempts, quiz.cooldown_hours, len(failed), next_open_at)


def latest_attempt(user: User, path_id: str, module_id: str) -> QuizAttempt | None:
    """The learner's most recently started attempt at a module (open or graded)."""
    return db.session.scalar(
        sa.select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.path_id == path_id,
            QuizAttempt.module_id == module_id,
        )
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(1)
    )


def is_open_for(attempt: QuizAttempt | None, quiz: Quiz | None) -> bool:
    """True for an unsubmitted attempt drawn from this version of the quiz."""
    return (
        attempt is not None
        and quiz is not None
        and attempt.submitted_at is None
        and attempt.quiz_version == quiz.version
    )


def start_attempt(
    user: User,
    path: LearningPath,
    module: Module,
    content_version: str,
    now: datetime,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Start an attempt at the module's quiz, or return the open one for this quiz version.

    Raises AttemptError when the module has no quiz and AttemptWindowClosed when every
    attempt within the cooldown is used. A stale open attempt (the quiz changed) is voided.
    """
    quiz = module.quiz
    if quiz is None:
        raise AttemptError("This module has no quiz.")
    latest = latest_attempt(user, path.id, module.id)
    if is_open_for(latest, quiz):
        assert latest is not None
        return latest
    window = attempt_window(user, path.id, module.id, quiz, now)
    if window.next_open_at is not None:
        raise AttemptWindowClosed(window.next_open_at)
    if latest is not None and latest.submitted_at is None:
        _void(latest, now)
    attempt = QuizAttempt(
        user_id=user.id,
        organization_id=user.organization_id,
        path_id=path.id,
        module_id=module.id,
        content_version=content_version,
        quiz_version=quiz.version,
        questions=draw_attempt_plan(quiz, rng or random.SystemRandom()),
        started_at=now,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


@dataclass(frozen=True)
class Submission:
    """A graded attempt, the path's progress after it, and the certification it earned."""

    result: GradeResult
    progress: PathProgress
    certification: Certification | None = None


def submit_attempt(
    attempt: QuizAttempt,
    path: LearningPath,
    module: Module,
    form: FormData,
    now: datetime,
    progress: PathProgress | None = None,
) -> Submission:
    """Grade an open attempt against the quiz version it was drawn from and record it.

    A pass adds a ModuleCompletion and issues the path's certification when every module is
    now passed. Refuses, changing nothing, a graded attempt (AttemptAlreadyGraded) and bad
    answers (grading.AnswerError); an attempt from an older version of the quiz is voided
    and refused (QuizChanged). `progress` is the learner's progress on the path before this
    submission, when the caller has it (it saves the queries).
    """
    if attempt.submitted_at is not None:
        if attempt.passed is None:
            raise QuizChanged(
                "This attempt was closed because the quiz changed. Please start a new attempt."
            )
        raise AttemptAlreadyGraded(
            "This attempt was already graded. Start a new attempt to try again."
        )
    quiz = module.quiz
    if quiz is None or attempt.quiz_version != quiz.version:
        _void(attempt, now)
        raise QuizChanged(
            "This quiz has changed since you started the attempt. Please start a new attempt."
        )
    answers = parse_answers(attempt.questions, form, quiz)
    result = grade(quiz, attempt.questions, answers)
    user = db.session.get(User, attempt.user_id)
    assert user is not None
    before = progress or path_progress(user, path, now, with_attempts=False)
    attempt.answers = answers
    attempt.results = result.results
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.submitted_at = now
    if not result.passed:
        return Submission(result, before.after(attempted=module.id))
    db.session.add(
        ModuleCompletion(
            user_id=user.id,
            path_id=path.id,
            module_id=module.id,
            attempt_id=attempt.id,
            completed_at=now,
        )
    )
    after = before.after(passed=module.id)
    cert = issue_certification_if_complete(user, path, now, progress=after)
    if cert is not None:
        after = after.after(certification=cert)
    return Submission(result, after, cert)


def complete_module(
    user: User,
    path: LearningPath,
    module: Module,
    now: datetime,
    progress: PathProgress | None = None,
) -> ModuleCompletion:
    """Mark a module without a quiz as passed (issuing the certification if that completes
    the path). Raises AttemptError for a module with a quiz. `progress`: as in submit_attempt."""
    if module.quiz is not None:
        raise AttemptError("This module is passed by passing its quiz.")
    before = progress or path_progress(user, path, now, with_attempts=False)
    completion = ModuleCompletion(
        user_id=user.id, path_id=path.id, module_id=module.id, completed_at=now
    )
    db.session.add(completion)
    issue_certification_if_complete(user, path, now, progress=before.after(passed=module.id))
    return completion


def _void(attempt: QuizAttempt, now: datetime) -> None:
    """Close an unsubmitted attempt without a grade: it neither passes nor counts as failed."""
    attempt.submitted_at = now
    attempt.passed = None
    attempt.score = None
