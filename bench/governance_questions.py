"""Partner questions benchmark: the staff queue's first page and the partner's list.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/governance_questions.py     # 1,000 then 100,000
    .venv/bin/python bench/governance_questions.py --questions 20000   # SQLite, quick

One program of `--questions` questions (default 100,000) over `--orgs` organisations (default
5,000), one partner admin each and three staff; organisation 1 is the large one, holding 1 %
of the questions (1,000 at full size). Questions spread over the four topics of the demo
program and the four states (new 10 %, waiting on us 5 %, waiting on partner 10 %,
answered 75 %), each with its opening message and, once responded to, a staff answer.
The same program is seeded again with `--compare-small` questions (default 1,000) to prove
the statement count flat.

Measured through the Flask test client, `--requests` times after `--warmup` (server time,
no network): as staff, the queue's first page of each tab (new, the default; waiting on us;
answered) and the new tab filtered to one topic; as organisation 1's partner admin, the
organisation's list `/questions`, and as a typical partner (one question or two) the same.
Budget (issue 17, section 6): p95 <= 50 ms on PostgreSQL, the same statement count at both
sizes. Rows go in through bench._database.BulkWriter (COPY on PostgreSQL); each database is
a throwaway `flywheel_bench_<random>`, dropped at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._measure import PageResult, StatementCounter  # noqa: E402

CONTENT_DIR = ROOT / "content"
BUDGET_P95_MS = 50.0
TOPICS = ("commissions", "referrals", "enablement", "program")
STATES = (("new", 10), ("waiting_on_us", 5), ("waiting_on_partner", 10), ("answered", 75))
STAFF = 3
CHUNK = 20_000
NOW = datetime.now(UTC).replace(microsecond=0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--compare-small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    return parser.parse_args(argv)


@dataclass
class Result(PageResult):
    """One page's measured requests at one size (bench/_measure.py's timings and counts)."""

    size: int = 0


@dataclass(frozen=True)
class Seeded:
    staff_token: str
    large_token: str  # organisation 1's partner admin
    typical_token: str  # a partner of an organisation with a question or two


def seed(writer: BulkWriter, questions: int, orgs: int, rng: random.Random) -> Seeded:
    """Organisations, their partner admins, staff, questions and their messages."""
    ts = writer.ts
    created = ts(NOW - timedelta(days=400))
    writer.write(
        "organizations",
        ("id", "name", "partner_type", "tier", "status", "website", "created_at"),
        [(o, f"Partner {o}", "referral", "registered", "active", "", created)
         for o in range(1, orgs + 1)],
    )  # fmt: skip
    tokens = {n: f"{rng.getrandbits(192):048x}" for n in range(1, orgs + STAFF + 1)}
    # Only a user with a password may sign in; the bench signs in through the session.
    password = generate_password_hash("bench-only", method="pbkdf2:sha256:1000")
    users = [
        (n, f"p{n}@bench.example", f"Partner {n}", "", password, "partner_admin", n, True,
         tokens[n], created)
        for n in range(1, orgs + 1)
    ] + [
        (orgs + s, f"staff{s}@vendor.example", f"Staff {s}", "", password, "staff", None, True,
         tokens[orgs + s], created)
        for s in range(1, STAFF + 1)
    ]  # fmt: skip
    writer.write(
        "users",
        ("id", "email", "name", "job_title", "password_hash", "role", "organization_id",
         "active", "session_token", "created_at"),
        users,
    )  # fmt: skip
    large = max(1, questions // 100)
    states = [s for s, weight in STATES for _ in range(weight)]
    question_rows: list[tuple] = []
    message_rows: list[tuple] = []
    message_id = 0
    for qid in range(1, questions + 1):
        org = 1 if qid <= large else rng.randint(2, orgs) if orgs > 1 else 1
        asked = NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        due = asked + timedelta(hours=8)
        status = rng.choice(states)
        responded = None if status == "new" else asked + timedelta(minutes=rng.randint(5, 900))
        next_due = due if status == "new" else None
        if status == "waiting_on_us":
            next_due = (responded or asked) + timedelta(hours=30)
        last = responded or asked
        assignee = orgs + rng.randint(1, STAFF) if rng.random() < 0.6 else None
        question_rows.append(
            (qid, org, org, assignee, rng.choice(TOPICS), f"Question {qid} about payouts",
             None, None, status, ts(asked), ts(due), ts(responded), ts(next_due), ts(last))
        )  # fmt: skip
        message_id += 1
        message_rows.append(
            (message_id, qid, org, "question", "When is it paid?", False, ts(asked))
        )
        if responded is not None:
            message_id += 1
            message_rows.append(
                (message_id, qid, orgs + 1, "answer", "On the 15th.", False, ts(responded))
            )
        if len(question_rows) >= CHUNK:
            _flush(writer, question_rows, message_rows)
    _flush(writer, question_rows, message_rows)
    writer.finish(("organizations", "users", "questions", "question_messages"))
    typical = orgs // 2 + 1 if orgs > 1 else 1
    return Seeded(tokens[orgs + 1], tokens[1], tokens[typical])


def _flush(writer: BulkWriter, questions: list[tuple], messages: list[tuple]) -> None:
    writer.write(
        "questions",
        ("id", "organization_id", "asked_by_id", "assignee_id", "topic", "subject",
         "about_kind", "about_key", "status", "asked_at", "first_response_due_at",
         "first_responded_at", "due_at", "last_activity_at"),
        questions,
    )  # fmt: skip
    writer.write(
        "question_messages",
        ("id", "question_id", "author_id", "kind", "body", "worth_faq", "created_at"),
        messages,
    )
    questions.clear()
    messages.clear()


PAGES = (
    ("staff", "queue: new (first page)", "/staff/questions"),
    ("staff", "queue: waiting on us", "/staff/questions?status=waiting_on_us"),
    ("staff", "queue: answered", "/staff/questions?status=answered"),
    ("staff", "queue: new, one topic", "/staff/questions?topic=commissions"),
    ("large", "partner list (1% org)", "/questions"),
    ("typical", "partner list (typical)", "/questions"),
)


def measure(app: Flask, seeded: Seeded, size: int, requests: int, warmup: int) -> list[Result]:
    """Every page of PAGES, `warmup` + `requests` GETs each."""
    from portal.extensions import db

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with app.app_context():
        counter = StatementCounter(db.engine)
    results = []
    try:
        for who, page, url in PAGES:
            token = {"staff": seeded.staff_token, "large": seeded.large_token,
                     "typical": seeded.typical_token}[who]  # fmt: skip
            with client.session_transaction() as session:
                session.clear()
                session.update({"_user_id": token, "_fresh": True, "_id": identifier})
            result = Result(page, url, size=size)
            for number in range(warmup + requests):
                counter.count = 0
                cpu_started = time.process_time()
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu_started) * 1000
                if response.status_code != 200:
                    result.error = f"{url}: HTTP {response.status_code}"
                    break
                if number >= warmup:
                    result.times_ms.append(elapsed)
                    result.cpu_ms.append(cpu)
                    result.statements.append(counter.count)
            results.append(result)
    finally:
        counter.close()
    return results


def run_size(args: argparse.Namespace, size: int, workdir: Path) -> list[Result]:
    """Seed a fresh database with `size` questions, measure it, drop it."""
    from portal import create_app
    from portal.extensions import db

    database: BenchDatabase = create_database(args.database_url, workdir, f"questions-{size}")
    try:
        app = create_app(
            {
                "SECRET_KEY": "flywheel-bench-secret",
                "SQLALCHEMY_DATABASE_URI": database.url,
                "CONTENT_DIR": str(CONTENT_DIR),
                "CONTENT_AUTO_RELOAD": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        started = time.perf_counter()
        with app.app_context():
            db.create_all()
            orgs = min(args.orgs, max(1, size // 2))
            seeded = seed(BulkWriter(db.engine), size, orgs, random.Random(args.seed))
            analyze(db.engine)
        seconds = time.perf_counter() - started
        print(f"seeded {size:,} questions, {orgs:,} organisations, {seconds:.1f} s", flush=True)
        results = measure(app, seeded, size, args.requests, args.warmup)
        with app.app_context():
            db.engine.dispose()
        return results
    finally:
        if not args.keep:
            database.drop()


def print_table(results: list[Result], dialect: str) -> bool:
    """The table; True when every page met the budget and kept its statement count flat."""
    by_page: dict[str, dict[int, Result]] = {}
    for result in results:
        by_page.setdefault(result.page, {})[result.size] = result
    print(
        f"\n{'page':<26} {'questions':>9} {'median ms':>9} {'p95 ms':>7} {'cpu med':>7} "
        f"{'stmts':>5}  verdict"
    )
    ok = True
    for page, sizes in by_page.items():
        counts = {r.statements_max for r in sizes.values()}
        for size, result in sorted(sizes.items()):
            flat = len(counts) == 1
            fast = dialect != "postgresql" or result.p95_ms <= BUDGET_P95_MS
            verdict = "PASS" if not result.error and flat and fast else "FAIL"
            if result.error:
                verdict += f" ({result.error})"
            elif not flat:
                verdict += " (statements grow)"
            elif not fast:
                verdict += f" (p95 over {BUDGET_P95_MS:.0f} ms)"
            ok = ok and verdict == "PASS"
            cpu = result.cpu_median_ms
            print(f"{page:<26} {size:>9,} {result.median_ms:>9.1f} {result.p95_ms:>7.1f} "
                  f"{cpu:>7.1f} {result.statements_max:>5}  {verdict}")  # fmt: skip
    if dialect != "postgresql":
        print("(SQLite: timings for information; the budget is PostgreSQL's)")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Seed, measure and print; the exit code is 0 even when a budget fails (printed FAIL)."""
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-questions-"))
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; {args.requests} requests per page after {args.warmup}")
    results: list[Result] = []
    try:
        for size in sorted({args.compare_small, args.questions} - {0}):
            results += run_size(args, size, workdir)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results, "postgresql" if args.database_url else "sqlite")
    print(f"load average at the end {os.getloadavg()[0]:.2f} (2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
