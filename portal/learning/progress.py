"""Where a learner stands: module states, availability, path progress, what to do next.

A whole path costs at most three queries (latest certification, completions and attempt
starts per module, each an aggregate over the `(user_id, path_id, ...)` indexes), however
many attempts the learner has made; an overview of many paths costs two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model import ContentIndex, LearningPath, Module
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.learning.renewal import VALID, certification_status, cycle_start, in_cycle

NOT_STARTED: Final = "not_started"
IN_PROGRESS: Final = "in_progress"
PASSED: Final = "passed"
STATE_LABELS: Final = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", PASSED: "Passed"}


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    state: str  # NOT_STARTED | IN_PROGRESS | PASSED
    waiting_for: tuple[Module, ...]  # prerequisites not yet passed in this cycle

    @property
    def available(self) -> bool:
        return not self.waiting_for

    @property
    def passed(self) -> bool:
        return self.state == PASSED

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class PathProgress:
    path: LearningPath
    modules: tuple[ModuleProgress, ...]
    certification: Certification | None  # the learner's latest for this path
    certification_status: str | None  # renewal.VALID | EXPIRED | REVOKED, None without one
    # The facts it was built from, so `after()` can update it without a query.
    last_completed: Mapping[str, datetime] = field(default_factory=dict)
    last_started: Mapping[str, datetime] = field(default_factory=dict)
    as_of: datetime | None = None

    @property
    def passed_count(self) -> int:
        return sum(1 for m in self.modules if m.passed)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def percent(self) -> int:
        return self.passed_count * 100 // self.total if self.total else 0

    @property
    def certified(self) -> bool:
        return self.certification_status == VALID

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.passed_count == self.total

    @property
    def claimable(self) -> bool:
        """Every module passed in the current cycle but no valid certification held (content
        removed the last module left, say): the learner can ask for it to be issued now."""
        return self.complete and not self.certified

    @property
    def due_for_renewal(self) -> bool:
        return self.certification is not None and not self.certified

    @property
    def started(self) -> bool:
        return any(m.state != NOT_STARTED for m in self.modules)

    def module(self, module_id: str) -> ModuleProgress | None:
        """The progress of one module of the path, by id."""
        return next((m for m in self.modules if m.module.id == module_id), None)

    def after(
        self,
        *,
        passed: str | None = None,
        attempted: str | None = None,
        certification: Certification | None = None,
    ) -> PathProgress:
        """This progress once a module was just attempted or passed, or a certification just
        issued (at `as_of`), without asking the database again."""
        now = self.as_of or utcnow()
        completed = dict(self.last_completed)
        started = dict(self.last_started)
        if passed is not None:
            completed[passed] = now
        if attempted is not None:
            started[attempted] = now
        latest = certification if certification is not None else self.certification
        return build_path_progress(self.path, latest, completed, started, now)

    @property
    def next_module(self) -> Module | None:
        """The first module that is available and not yet passed."""
        return next((m.module for m in self.modules if m.available and not m.passed), None)


def prerequisites_of(path: LearningPath, module: Module) -> tuple[Module, ...]:
    """The modules to pass first (the loader fills in the default: the previous module)."""
    found = (path.module(module_id) for module_id in module.prerequisites)
    return tuple(m for m in found if m is not None)


def build_path_progress(
    path: LearningPath,
    latest: Certification | None,
    completed: Mapping[str, datetime],
    started: Mapping[str, datetime],
    now: datetime,
) -> PathProgress:
    """Progress from the facts: latest certification, last completion and last attempt start
    per module. Pure: the queries are made by the callers."""
    status = certification_status(latest, now) if latest is not None else None
    start = cycle_start(latest, now)
    passed = {m.id for m in path.modules if status == VALID or in_cycle(completed.get(m.id), start)}
    modules = []
    for module in path.modules:
        if module.id in passed:
            state = PASSED
        elif in_cycle(started.get(module.id), start):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        waiting = tuple(m for m in prerequisites_of(path, module) if m.id not in passed)
        modules.append(ModuleProgress(module=module, state=state, waiting_for=waiting))
    return PathProgress(
        path=path,
        modules=tuple(modules),
        certification=latest,
        certification_status=status,
        last_completed=completed,
        last_started=started,
        as_of=now,
    )


def path_progress(
    user: User, path: LearningPath, now: datetime | None = None, *, with_attempts: bool = True
) -> PathProgress:
    """One learner's progress on one path (3 queries; 2 with `with_attempts=False`, which
    leaves unpassed modules `not_started` instead of `in_progress`)."""
    now = now or utcnow()
    latest = _latest_certifications(user.id, [path.id]).get(path.id)
    completed = _last_completions(user.id, [path.id]).get(path.id, {})
    started = _last_attempt_starts(user.id, path.id) if with_attempts else {}
    return build_path_progress(path, latest, completed, started, now)


def paths_progress(
    user: User, paths: Sequence[LearningPath], now: datetime | None = None
) -> list[PathProgress]:
    """Progress on several paths, in the given order, in two queries (an overview: module
    states come from completions only, so unpassed modules read `not_started`)."""
    if not paths:
        return []
    now = now or utcnow()
    ids = [p.id for p in paths]
    latest = _latest_certifications(user.id, ids)
    completed = _last_completions(user.id, ids)
    return [
        build_path_progress(p, latest.get(p.id), completed.get(p.id, {}), {}, now) for p in paths
    ]


def next_module_for(
    user: User,
    content: ContentIndex,
    now: datetime | None = None,
    progress: Sequence[PathProgress] | None = None,
) -> tuple[LearningPath, Module] | None:
    """The module the learner should take next: in a path already under way first, then in
    the first path not yet certified (paths for the user's partner type, in content order).

    Pass `progress` (from `paths_progress` for the same paths) to save its two queries.
    """
    if progress is None:
        if user.organization is None:
            return None
        paths = content.paths_for(user.organization.partner_type)
        progress = paths_progress(user, paths, now)
    open_paths = [p for p in progress if not p.certified]
    open_paths.sort(key=lambda p: not p.started)  # stable: content order within each group
    for candidate in open_paths:
        module = candidate.next_module
        if module is not None:
            return candidate.path, module
    return None


def _latest_certifications(user_id: int, path_ids: Iterable[str]) -> dict[str, Certification]:
    rows = db.session.scalars(
        sa.select(Certification)
        .where(Certification.user_id == user_id, Certification.path_id.in_(list(path_ids)))
        .order_by(Certification.issued_at, Certification.id)
    )
    return {cert.path_id: cert for cert in rows}  # later rows win: the latest per path


def _last_completions(user_id: int, path_ids: Iterable[str]) -> dict[str, dict[str, datetime]]:
    rows = db.session.execute(
        sa.select(
            ModuleCompletion.path_id,
            ModuleCompletion.module_id,
            sa.func.max(ModuleCompletion.completed_at),
        )
        .where(ModuleCompletion.user_id == user_id, ModuleCompletion.path_id.in_(list(path_ids)))
        .group_by(ModuleCompletion.path_id, ModuleCompletion.module_id)
    )  # max() keeps the column's type, so results come back as aware UTC datetimes
    result: dict[str, dict[str, datetime]] = {}
    for path_id, module_id, completed_at in rows:
        result.setdefault(path_id, {})[module_id] = completed_at
    return result


def _last_attempt_starts(user_id: int, path_id: str) -> dict[str, datetime]:
    rows = db.session.execute(
        sa.select(QuizAttempt.module_id, sa.func.max(QuizAttempt.started_at))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.path_id == path_id)
        .group_by(QuizAttempt.module_id)
    )
    return {row[0]: row[1] for row in rows}
