"""Seed a benchmark database: organisations, users and a long learning history.

Two kinds of learners are planted with a fixed history, the same at every scale, so request
counts can be compared between a database of 1,000 attempts and one of 1,000,000:

- the *probe* user (partner admin of organisation 1), whose pages are measured: one valid
  certificate, one expired, a path half done with two failed attempts on its next module;
- the *cohort*, a few hundred users part-way through `path-03`, who submit quizzes;
- the *finishers*, up to as many again, with modules 1-19 of `path-03` completed (completion
  rows without attempt rows, so the small seed stays at its attempt count): their submission
  of module 20 issues a certification.

Everyone else gets a random share of the remaining attempts, walking their paths in order:
about 30% of submissions fail, 2% are abandoned (closed without a score), each pass completes
the module, and passing a whole path issues a certification.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from werkzeug.security import generate_password_hash

from bench._content import PARTNER_TYPES, path_id
from bench._database import BulkWriter
from bench._plans import PLAN_VARIANTS, ModuleSpec, Variant, module_specs
from portal.content.model import ContentIndex

BENCH_PASSWORD = "bench password 1"
COHORT_PATH = path_id(3)
PROBE_PATH = path_id(2)
PROBE_MODULE_POSITION = 10  # the probe has passed 1-9 of PROBE_PATH and failed this one twice
FLUSH_ROWS = 50_000


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ORG_COLUMNS = _names("id name partner_type tier status website created_at activated_at")
USER_COLUMNS = _names(
    "id email name job_title password_hash role organization_id active session_token "
    "created_at last_login_at"
)
ATTEMPT_COLUMNS = _names(
    "id user_id organization_id path_id module_id content_version quiz_version questions "
    "answers results score passed started_at submitted_at"
)
COMPLETION_COLUMNS = _names("id user_id path_id module_id attempt_id completed_at")
CERT_COLUMNS = _names(
    "id user_id organization_id path_id certificate_name code issued_at expires_at revoked_at "
    "revoked_reason revoked_by_id"
)
PROGRESS_COLUMNS = _names("id organization_id step_id completed_at completed_by_id")
TABLES = _names(
    "organizations users quiz_attempts module_completions certifications checklist_progress"
)
_FIRST = _names("Ada Ben Chloe Dev Emma Femi Gus Hana Ivo Jun Kai Lena Milo Nia Omar Pia Raj")
_LAST = _names("Okafor Lee Novak Silva Berg Chen Haddad Kowalski Moreau Tanaka Rossi Ahmed")
_ORG_WORDS = _names("Acme Globex Initech Umbrella Stark Wayne Tyrell Hooli Vandelay Soylent")


@dataclass(frozen=True)
class Scale:
    """How big a database to seed."""

    orgs: int
    users: int
    attempts: int
    cohort: int = 205  # users who will submit quizzes (warm-up + measured requests)


@dataclass
class Learner:
    """A planted user the measurement signs in as."""

    user_id: int
    session_token: str
    next_position: int = 1  # cohort: the next module of COHORT_PATH to take


@dataclass
class SeedResult:
    """What was written and who to sign in as."""

    probe: Learner
    cohort: list[Learner]
    finishers: list[Learner] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class Seeder:
    """Generates rows and hands them to a BulkWriter in chunks of about FLUSH_ROWS."""

    def __init__(self, writer: BulkWriter, content: ContentIndex, scale: Scale, seed: int):
        self.w = writer
        self.content = content
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.specs = module_specs(content, random.Random(seed + 1))
        self.visible = {t: [p.id for p in content.paths_for(t)] for t in PARTNER_TYPES}
        self.valid_days = {p.id: p.valid_days for p in content.paths.values()}
        self.cert_names = {p.id: p.certificate for p in content.paths.values()}
        self.org_type: dict[int, str] = {}
        self.org_status: dict[int, str] = {}
        self.user_org: dict[int, int] = {}
        self.attempts: list[tuple] = []
        self.completions: list[tuple] = []
        self.certs: list[tuple] = []
        self.counts = dict.fromkeys(TABLES, 0)
        self._ids = dict.fromkeys(("attempt", "completion", "cert"), 0)

    # -- organisations and users -------------------------------------------------------
    def organisations_and_users(self) -> tuple[Learner, list[Learner], list[Learner]]:
        """Write organisations, users (one shared password hash) and checklist progress."""
        rng, ts, now = self.rng, self.w.ts, self.now
        orgs: list[tuple[object, ...]] = []
        progress: list[tuple[object, ...]] = []
        for org_id in range(1, self.scale.orgs + 1):
            partner_type = PARTNER_TYPES[(org_id - 1) % len(PARTNER_TYPES)]
            status = (
                "active"
                if org_id == 1
                else rng.choices(("active", "onboarding", "suspended"), (70, 25, 5))[0]
            )
            created = now - timedelta(days=rng.uniform(30, 900))
            activated = created + timedelta(days=rng.uniform(3, 25))
            self.org_type[org_id], self.org_status[org_id] = partner_type, status
            name = f"{rng.choice(_ORG_WORDS)} {rng.choice(_ORG_WORDS)} Partners {org_id}"
            orgs.append(
                (
                    org_id,
                    name,
                    partner_type,
                    rng.choice(("registered", "silver", "gold")),
                    status,
                    f"https://org{org_id}.bench.example",
                    ts(created),
                    ts(activated) if status != "onboarding" else None,
                )
            )
            steps = (
                ["accept-agreement", "kickoff-call"]
                if status != "onboarding"
                else (["accept-agreement"] if rng.random() < 0.6 else [])
            )
            for step in steps:
                progress.append((len(progress) + 1, org_id, step, ts(activated), None))
        self._write("organizations", ORG_COLUMNS, orgs)
        password_hash = generate_password_hash(BENCH_PASSWORD)
        users: list[tuple[object, ...]] = []
        tokens: dict[int, str] = {}
        for user_id in range(1, self.scale.users + 1):
            org_id = (user_id - 1) % self.scale.orgs + 1
            self.user_org[user_id] = org_id
            tokens[user_id] = f"{rng.getrandbits(192):048x}"
            role = "partner_admin" if user_id <= self.scale.orgs else "partner_user"
            active = user_id == 1 or rng.random() > 0.03
            users.append(
                (
                    user_id,
                    f"user{user_id}@org{org_id}.bench.example",
                    f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                    "Partner manager",
                    password_hash,
                    role,
                    org_id,
                    active,
                    tokens[user_id],
                    ts(now - timedelta(days=rng.uniform(20, 600))),
                    ts(now - timedelta(hours=rng.uniform(1, 2000))),
                )
            )
        for n in range(1, 7):
            users.append(
                (
                    self.scale.users + n,
                    f"staff{n}@vendor.bench.example",
                    f"Staff {n}",
                    "Partner team",
                    password_hash,
                    "admin" if n == 1 else "staff",
                    None,
                    True,
                    f"{rng.getrandbits(192):048x}",
                    ts(now),
                    None,
                )
            )
        self._write("users", USER_COLUMNS, users)
        self._write("checklist_progress", PROGRESS_COLUMNS, progress)
        cohort_ids = [
            u
            for u in range(2, self.scale.users + 1)
            if users[u - 1][7] and self.org_status[self.user_org[u]] != "suspended"
        ][: 2 * self.scale.cohort]
        learners = [Learner(u, tokens[u]) for u in cohort_ids]
        return Learner(1, tokens[1]), learners[: self.scale.cohort], learners[self.scale.cohort :]

    # -- learning history ----------------------------------------------------------------
    def plant(self, probe: Learner, cohort: list[Learner], finishers: list[Learner]) -> None:
        """The fixed histories of the probe, cohort and finishers (identical at every scale)."""
        days = timedelta(days=1)
        uid = probe.user_id
        self._walk(uid, path_id(1), 1, 20, self.now - 200 * days, days, fail_every=4)
        self._walk(uid, path_id(4), 1, 20, self.now - 420 * days, days / 2, fail_every=0)
        self._walk(uid, PROBE_PATH, 1, PROBE_MODULE_POSITION - 1, self.now - 30 * days, 2 * days)
        spec = self.specs[PROBE_PATH][PROBE_MODULE_POSITION - 1]
        for back in (5, 4):
            self._attempt(uid, spec, spec.fails[back % PLAN_VARIANTS], self.now - back * days)
        self._walk(uid, path_id(5), 1, 3, self.now - 60 * days, days)
        self._walk(uid, path_id(21), 1, 2, self.now - 50 * days, days)
        for index, learner in enumerate(cohort):
            done = index % 4
            self._walk(learner.user_id, COHORT_PATH, 1, done, self.now - 20 * days, days)
            learner.next_position = done + 1
        last = len(self.specs[COHORT_PATH])
        for learner in finishers:
            when = self.now - 40 * days
            for spec in self.specs[COHORT_PATH][: last - 1]:
                self._ids["completion"] += 1
                self.completions.append((self._ids["completion"], learner.user_id, spec.path_id,
                                         spec.module_id, None, self.w.ts(when)))  # fmt: skip
                when += days
            learner.next_position = last
        self._flush(force=True)

    def background(self, skip: set[int]) -> None:
        """Spread the remaining attempts over the other partner users, skewed like real use."""
        remaining = self.scale.attempts - self.counts["quiz_attempts"] - len(self.attempts)
        learners = [u for u in range(1, self.scale.users + 1) if u not in skip]
        if remaining <= 0 or not learners:
            return
        rng = self.rng
        weights = [0.0 if rng.random() < 0.15 else rng.lognormvariate(0, 0.8) for _ in learners]
        total = sum(weights) or 1.0
        budgets = [int(w / total * remaining) for w in weights]
        for i in range(remaining - sum(budgets)):
            budgets[i % len(budgets)] += 1
        carry = 0
        for user_id, budget in zip(learners, budgets, strict=True):
            carry = self._learner_history(user_id, budget + carry)
            self._flush()
        self._flush(force=True)

    def _learner_history(self, user_id: int, budget: int) -> int:
        """Attempts for one user until `budget` is spent; returns what could not be spent."""
        if budget <= 0:
            return 0
        rng = self.rng
        paths = list(self.visible[self.org_type[self.user_org[user_id]]])
        rng.shuffle(paths)
        if path_id(1) in paths and rng.random() < 0.8:
            paths.remove(path_id(1))
            paths.insert(0, path_id(1))
        start = self.now - timedelta(days=rng.uniform(30, 720))
        gap = (self.now - timedelta(days=2) - start) / budget
        when = passed_at = start
        for pid in paths:
            for spec in self.specs[pid]:
                while budget > 0:
                    when += gap * rng.uniform(0.5, 1.5)
                    roll = rng.random()
                    if roll < 0.02:
                        self._attempt(user_id, spec, rng.choice(spec.opens), when)
                    elif roll < 0.32:
                        self._attempt(user_id, spec, rng.choice(spec.fails), when)
                    else:
                        passed_at = self._attempt(user_id, spec, rng.choice(spec.passes), when)
                    budget -= 1
                    if roll >= 0.32:
                        break
                else:
                    return 0
            self._certify(user_id, pid, passed_at, revoked=rng.random() < 0.01)
        return budget

    def _walk(
        self,
        user_id: int,
        pid: str,
        first: int,
        last: int,
        when: datetime,
        step: timedelta,
        fail_every: int = 0,
    ) -> None:
        """Pass modules first..last of a path in order (a failed try first every Nth)."""
        passed_at = when
        for position in range(first, last + 1):
            spec = self.specs[pid][position - 1]
            if fail_every and position % fail_every == 0:
                self._attempt(user_id, spec, spec.fails[position % PLAN_VARIANTS], when)
                when += step / 4
            passed_at = self._attempt(user_id, spec, spec.passes[position % PLAN_VARIANTS], when)
            when += step
        if last == len(self.specs[pid]):
            self._certify(user_id, pid, passed_at, revoked=False)

    def _attempt(self, user_id: int, spec: ModuleSpec, v: Variant, when: datetime) -> datetime:
        """Add one attempt (and its completion when it passed); returns its submission time."""
        ts = self.w.ts
        self._ids["attempt"] += 1
        attempt_id = self._ids["attempt"]
        # An abandoned attempt is closed without a score (as the portal voids one when the quiz
        # changes): the database allows only one open attempt per learner and module.
        submitted = when + timedelta(minutes=7)
        self.attempts.append(
            (
                attempt_id,
                user_id,
                self.user_org[user_id],
                spec.path_id,
                spec.module_id,
                self.content.version,
                spec.quiz_version,
                v.questions,
                v.answers,
                v.results,
                v.score,
                v.passed,
                ts(when),
                ts(submitted),
            )
        )
        if v.passed:
            self._ids["completion"] += 1
            self.completions.append(
                (
                    self._ids["completion"],
                    user_id,
                    spec.path_id,
                    spec.module_id,
                    attempt_id,
                    ts(submitted),
                )
            )
        return submitted or when

    def _certify(self, user_id: int, pid: str, issued: datetime, revoked: bool) -> None:
        ts = self.w.ts
        self._ids["cert"] += 1
        valid_days = self.valid_days[pid]
        expires = issued + timedelta(days=valid_days) if valid_days else None
        revoked_at = issued + timedelta(days=3) if revoked else None
        self.certs.append(
            (
                self._ids["cert"],
                user_id,
                self.user_org[user_id],
                pid,
                self.cert_names[pid],
                f"{self.rng.getrandbits(100):025X}",
                ts(issued),
                ts(expires),
                ts(revoked_at),
                "Bench: revoked" if revoked else None,
                None,
            )
        )

    def _flush(self, force: bool = False) -> None:
        if not force and len(self.attempts) < FLUSH_ROWS:
            return
        self._write("quiz_attempts", ATTEMPT_COLUMNS, self.attempts)
        self._write("module_completions", COMPLETION_COLUMNS, self.completions)
        self._write("certifications", CERT_COLUMNS, self.certs)
        self.attempts, self.completions, self.certs = [], [], []

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        self.w.write(table, columns, rows)
        self.counts[table] += len(rows)


def seed_database(
    writer: BulkWriter,
    content: ContentIndex,
    scale: Scale,
    seed: int,
    clock: Callable[[], float],
) -> SeedResult:
    """Write every table; returns the planted learners, row counts and timings."""
    seconds: dict[str, float] = {}
    started = clock()
    seeder = Seeder(writer, content, scale, seed)
    seconds["attempt plans (draw + grade per module)"] = clock() - started
    started = clock()
    probe, cohort, finishers = seeder.organisations_and_users()
    seconds["organisations, users, checklist progress"] = clock() - started
    started = clock()
    seeder.plant(probe, cohort, finishers)
    seeder.background(skip={probe.user_id} | {u.user_id for u in cohort + finishers})
    seconds["attempts, completions, certifications"] = clock() - started
    started = clock()
    writer.finish(TABLES)
    seconds["commit"] = clock() - started
    return SeedResult(probe, cohort, finishers, counts=seeder.counts, seconds=seconds)
