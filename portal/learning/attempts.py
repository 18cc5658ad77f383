"""Quiz attempts: the attempt window, starting an attempt, submitting it for grading.

Every query here is on one learner's attempts at one module, through the
`(user_id, path_id, module_id, started_at)` index. Functions add to the session and never
commit; a refused request changes nothing.

Concurrency is decided by the database, not by Python checks on loaded objects: an attempt is
closed (graded or voided) by a conditional UPDATE that only one request can win, and the
partial unique index `uq_quiz_attempts_one_open` lets at most one attempt per learner and
module be open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model import LearningPath, Module, Quiz
from portal.db_types import update_if_unset
from portal.extensions import db
from portal.learning.certificates import issue_certification_if_complete
from portal.learning.grading import FormData, GradeResult, draw_attempt_plan, grade, parse_answers
from portal.learning.history import snapshot
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.learning.progress import PathProgress, path_progress
from portal.learning.quiz_edits import changed_message, stale_questions, update_plan

ALREADY_GRADED = "This attempt was already graded. Start a new attempt to try again."


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
    def __init__(self, message: str = ALREADY_GRADED):
        super().__init__(message)


class QuizChanged(AttemptError):
    pass


class QuestionsChanged(AttemptError):
    """Some questions changed under an open attempt: it stays open, the others' answers kept."""

    def __init__(self, stale: list[tuple[int, str]]):
        super().__init__(changed_message(stale))
        self.stale_ids = frozenset(question_id for _, question_id in stale)


class ModuleAlreadyPassed(AttemptError):
    """The module is passed in the current cycle: it is not taken again until renewal."""

    def __init__(self, module: Module, progress: PathProgress):
        message = f"You have already passed “{module.title}”."
        if progress.certified:
            message += " You can take it again when your certificate is due for renewal."
        elif progress.complete:
            message += " Every module is passed: get your certificate on the path page."
        super().__init__(message)


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
    # `submitted_at > ...` leaves out open attempts (no submitted_at); the filter below only
    # says so to the type checker.
    failed = [
        submitted_at
        for submitted_at in db.session.scalars(
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
        if submitted_at is not None
    ]
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
    """True for an unsubmitted attempt that still has questions in this version of the quiz
    (edits to the quiz keep it open: portal.learning.quiz_edits)."""
    return (
        attempt is not None
        and quiz is not None
        and attempt.submitted_at is None
        and bool(update_plan(attempt.questions, quiz, attempt.quiz_version).plan)
    )


def start_attempt(
    user: User,
    path: LearningPath,
    module: Module,
    content_version: str,
    now: datetime,
    rng: random.Random | None = None,
    *,
    progress: PathProgress | None = None,
) -> QuizAttempt:
    """Start an attempt at the module's quiz, or return the open one for this quiz version.

    Raises AttemptError when the module has no quiz, ModuleAlreadyPassed when it is passed
    in the current cycle, and AttemptWindowClosed when every attempt within the cooldown is
    used. A stale open attempt (the quiz changed) is voided. Two simultaneous starts open one
    attempt: the insert runs in a SAVEPOINT, and when the unique index says another request
    opened one first, that attempt is returned. `progress`: as in submit_attempt.
    """
    quiz = module.quiz
    if quiz is None:
        raise AttemptError("This module has no quiz.")
    _refuse_if_passed(progress or path_progress(user, path, now, with_attempts=False), module)
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
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except sa.exc.IntegrityError:  # another request opened an attempt since we looked
        opened = _open_attempt(user, path.id, module.id)
        if opened is None:
            raise AttemptError("The quiz could not be started. Please try again.") from None
        return opened
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

    Refuses, changing nothing, a graded attempt (AttemptAlreadyGraded) and bad answers
    (grading.AnswerError). After an edit of the quiz, answers to unchanged questions count;
    answers given to a question's old wording are refused (QuestionsChanged, naming it, the
    attempt still open), and an attempt none of whose questions remain is voided (QuizChanged).
    The grade is recorded by a conditional UPDATE that only succeeds while the
    attempt is still open, before anything else is added: of two simultaneous submissions one
    is graded and the other gets AttemptAlreadyGraded, so a pass adds one ModuleCompletion
    and at most one certification (issued when every module is now passed).

    The attempt window (`max_attempts` within `cooldown_hours`) is checked when an attempt
    starts, not here: an attempt that was legitimately started is graded even if the window
    closed meanwhile. A pass of a module already passed in the current cycle (an attempt
    left open from before) is graded but adds no second completion.

    `progress` is the learner's progress on the path before this submission, when the caller
    has it (it saves the queries).
    """
    if attempt.submitted_at is not None:
        if attempt.passed is None:
            raise QuizChanged(
                "This attempt was closed because the quiz changed. Please start a new attempt."
            )
        raise AttemptAlreadyGraded()
    quiz = module.quiz
    update = update_plan(attempt.questions, quiz, attempt.quiz_version) if quiz else None
    if quiz is None or update is None or not update.plan:
        if not _void(attempt, now):
            raise AttemptAlreadyGraded()
        raise QuizChanged(
            "This quiz has changed since you started the attempt. Please start a new attempt."
        )
    stale = stale_questions(update, form)
    if stale:  # nothing written: the same update is worked out again on the next request
        raise QuestionsChanged(stale)
    answers = parse_answers(update.plan, form, quiz)
    result = grade(quiz, update.plan, answers)
    user = db.session.get(User, attempt.user_id)
    assert user is not None
    before = progress or path_progress(user, path, now, with_attempts=False)
    graded = _close(
        attempt,
        now,
        answers=answers,
        results=result.results,
        score=result.score,
        passed=result.passed,
        # Graded against today's quiz: the attempt records that plan and version, and what
        # the learner saw, so later edits never change its history.
        questions=update.plan,
        quiz_version=quiz.version,
        snapshot=snapshot(result),
    )
    if not graded:
        raise AttemptAlreadyGraded()
    if not result.passed:
        return Submission(result, before.after(attempted=module.id))
    state = before.module(module.id)
    if state is not None and state.passed:
        return Submission(result, before)
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
    the path). Raises AttemptError for a module with a quiz and ModuleAlreadyPassed for one
    passed in the current cycle. `progress`: as in submit_attempt."""
    if module.quiz is not None:
        raise AttemptError("This module is passed by passing its quiz.")
    before = progress or path_progress(user, path, now, with_attempts=False)
    _refuse_if_passed(before, module)
    completion = ModuleCompletion(
        user_id=user.id, path_id=path.id, module_id=module.id, completed_at=now
    )
    db.session.add(completion)
    issue_certification_if_complete(user, path, now, progress=before.after(passed=module.id))
    return completion


def _refuse_if_passed(progress: PathProgress, module: Module) -> None:
    state = progress.module(module.id)
    if state is not None and state.passed:
        raise ModuleAlreadyPassed(module, progress)


def _open_attempt(user: User, path_id: str, module_id: str) -> QuizAttempt | None:
    return db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.path_id == path_id,
            QuizAttempt.module_id == module_id,
            QuizAttempt.submitted_at.is_(None),
        )
    )


def _close(attempt: QuizAttempt, now: datetime, **values: object) -> bool:
    """Close an open attempt with `values`; False when another request closed it first."""
    return update_if_unset(attempt, "submitted_at", submitted_at=now, **values)


def _void(attempt: QuizAttempt, now: datetime) -> bool:
    """Close an unsubmitted attempt without a grade: it neither passes nor counts as failed."""
    return _close(attempt, now, passed=None, score=None)
