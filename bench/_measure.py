"""Time pages through the Flask test client and count their SQL statements.

Server time is `time.perf_counter()` around `client.get/post` (the WSGI round trip, no network).
Statements are counted with a SQLAlchemy `before_cursor_execute` listener on `db.engine`,
reset just before each request, so the bench's own set-up queries are never counted.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from bench._content import module_id
from bench._seed import COHORT_PATH, PROBE_MODULE_POSITION, PROBE_PATH, Learner, SeedResult
from portal.content_runtime import current_content
from portal.extensions import db
from portal.learning.models import Certification, QuizAttempt

BUDGET_MEDIAN_MS = 25.0
BUDGET_P95_MS = 50.0
BUDGET_STATEMENTS = 10
MODULES_PER_PATH = 20


@dataclass
class PageResult:
    """Timings (ms) and statement counts of one page's measured requests."""

    page: str
    url: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else math.nan

    @property
    def cpu_median_ms(self) -> float:
        """This process's CPU time per request: less disturbed by other load on the machine."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else math.nan

    @property
    def p95_ms(self) -> float:
        if not self.times_ms:
            return math.nan
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def statements_max(self) -> int:
        return max(self.statements, default=0)

    @property
    def statements_median(self) -> float:
        return statistics.median(self.statements) if self.statements else math.nan

    @property
    def passed(self) -> bool:
        return (
            not self.error
            and bool(self.times_ms)
            and self.median_ms <= BUDGET_MEDIAN_MS
            and self.p95_ms <= BUDGET_P95_MS
            and self.statements_max <= BUDGET_STATEMENTS
        )


class StatementCounter:
    """Counts every statement the app's engine sends to the database."""

    def __init__(self, engine: sa.Engine):
        self.count = 0
        self.engine = engine
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: object) -> None:
        self.count += 1

    def close(self) -> None:
        """Stop listening."""
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


class Bench:
    """Signs in as planted learners and measures the learning pages."""

    def __init__(self, app: Flask, seeded: SeedResult, requests: int, warmup: int):
        self.app = app
        self.seeded = seeded
        self.requests = requests
        self.warmup = warmup
        self.client: FlaskClient = app.test_client()
        with app.app_context():
            self.counter = StatementCounter(db.engine)
        with app.test_request_context(environ_base=self.client.environ_base):
            self._identifier = _create_identifier()

    def close(self) -> None:
        """Remove the statement listener."""
        self.counter.close()

    def sign_in(self, learner: Learner) -> None:
        """Act as `learner` from the next request on (Flask-Login reads `_user_id`)."""
        with self.client.session_transaction() as session:
            session.clear()
            session["_user_id"] = learner.session_token
            session["_fresh"] = True
            # Session protection is "strong": the session must carry the browser's identifier.
            session["_id"] = self._identifier

    def _timed(
        self, result: PageResult, call: Callable[[], TestResponse], record: bool
    ) -> TestResponse:
        self.counter.count = 0
        cpu_started = time.process_time()
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        if record:
            result.times_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            result.statements.append(self.counter.count)
        return response

    def measure_get(self, page: str, url: str) -> PageResult:
        """`warmup` + `requests` GETs of `url` as the probe user; any non-200 stops the page."""
        result = PageResult(page, url)
        self.sign_in(self.seeded.probe)
        for number in range(self.warmup + self.requests):
            response = self._timed(
                result, lambda: self.client.get(url), record=number >= self.warmup
            )
            if response.status_code != 200:
                result.error = f"GET {url} answered {response.status_code}"
                break
        return result

    def measure_quiz(
        self, learners: list[Learner], label: str, issues_certificate: bool = False
    ) -> tuple[PageResult, PageResult]:
        """Start then submit (all answers right) attempts, round-robin over `learners`."""
        start = PageResult("quiz start (POST)", f"/learn/{COHORT_PATH}/<module>/attempts")
        submit = PageResult(label, f"/learn/{COHORT_PATH}/<module>/attempts/<id>")
        turn = iter(range(10**9))
        for number in range(self.warmup + self.requests):
            record = number >= self.warmup
            learner = _next_learner(learners, turn)
            if learner is None:
                if not submit.times_ms:
                    submit.error = "no learner has a module left to take"
                break
            self.sign_in(learner)
            base = f"/learn/{COHORT_PATH}/{module_id(learner.next_position)}/attempts"
            response = self._timed(start, partial(self.client.post, base), record)
            status = response.status_code
            attempt = self._open_attempt(learner)
            if status >= 400 or attempt is None:
                start.error = submit.error = f"POST {base} answered {status}, no open attempt"
                break
            attempt_id, form = attempt
            url = f"{base}/{attempt_id}"
            response = self._timed(submit, partial(self.client.post, url, data=form), record)
            status = response.status_code
            if status >= 400 or not self._graded(attempt_id):
                submit.error = f"POST {url} answered {status} and did not grade the attempt"
                break
            if issues_certificate and not self._certified(learner):
                submit.error = f"POST {url} passed the last module but issued no certification"
                break
            learner.next_position += 1
        return start, submit

    def _open_attempt(self, learner: Learner) -> tuple[int, MultiDict] | None:
        """The learner's newest unsubmitted attempt, and a form answering it correctly."""
        with self.app.app_context():
            attempt = db.session.scalar(
                sa.select(QuizAttempt)
                .where(
                    QuizAttempt.user_id == learner.user_id,
                    QuizAttempt.path_id == COHORT_PATH,
                    QuizAttempt.module_id == module_id(learner.next_position),
                    QuizAttempt.submitted_at.is_(None),
                )
                .order_by(QuizAttempt.id.desc())
                .limit(1)
            )
            if attempt is None:
                return None
            module = current_content().paths[COHORT_PATH].module(attempt.module_id)
            assert module is not None and module.quiz is not None
            form: MultiDict = MultiDict()
            for item in attempt.questions:
                question = module.quiz.question(item["id"])
                assert question is not None
                for key in item["choices"]:
                    if key in question.correct_keys:
                        form.add(f"q-{item['id']}", key)
            attempt_id = attempt.id
            db.session.rollback()
        return attempt_id, form

    def _certified(self, learner: Learner) -> bool:
        with self.app.app_context():
            found = db.session.scalar(
                sa.select(Certification.id).where(
                    Certification.user_id == learner.user_id,
                    Certification.path_id == COHORT_PATH,
                )
            )
            db.session.rollback()
        return found is not None

    def _graded(self, attempt_id: int) -> bool:
        with self.app.app_context():
            submitted = db.session.scalar(
                sa.select(QuizAttempt.submitted_at).where(QuizAttempt.id == attempt_id)
            )
            db.session.rollback()
        return submitted is not None


def measure_all(app: Flask, seeded: SeedResult, requests: int, warmup: int) -> list[PageResult]:
    """The four budgeted pages, a submission that completes a path (issuing a certification)
    and quiz start (for information), in report order."""
    bench = Bench(app, seeded, requests, warmup)
    module = module_id(PROBE_MODULE_POSITION)
    try:
        results = [
            bench.measure_get("partner home", "/"),
            bench.measure_get("path page", f"/learn/{PROBE_PATH}"),
            bench.measure_get("module page", f"/learn/{PROBE_PATH}/{module}"),
        ]
        start, submit = bench.measure_quiz(seeded.cohort, "quiz submission (POST)")
        _, finish = bench.measure_quiz(
            seeded.finishers, "quiz submit, last module", issues_certificate=True
        )
        results += [submit, finish, start]
    finally:
        bench.close()
    return results


def _next_learner(learners: list[Learner], turn: Iterator[int]) -> Learner | None:
    """The next learner, round-robin, who still has a module of the path to take."""
    for _ in range(len(learners)):
        learner = learners[next(turn) % len(learners)]
        if learner.next_position <= MODULES_PER_PATH:
            return learner
    return None
