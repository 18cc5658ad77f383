"""Governance queues benchmark: partner questions, co-marketing approvals and MDF (issue 17).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres make bench-governance
    .venv/bin/python bench/governance.py --database-url postgresql://postgres@127.0.0.1/postgres \
        --reuse-postgresql flywheel_bench_gov            # seeds it once, measures it again after
    .venv/bin/python bench/governance.py --reuse-postgresql flywheel_bench_gov --drop   # last run
    .venv/bin/python bench/governance.py --quick       # SQLite, a hundredth of the size

One program (bench/_governance_seed.py): 100,000 partner questions, 50,000 co-marketing pieces
and 50,000 MDF requests over 5,000 organisations; organisation 1 holds 1,000 of each. Measured
through the Flask test client, `--requests` times after `--warmup`: each staff queue's first
page (questions: three tabs and one topic; co-marketing; MDF, and MDF's every-status tab) and,
as organisation 1's partner admin, its own lists (questions, co-marketing, MDF, and /earnings
with its MDF section), plus a typical partner's questions. The same program at a hundredth of
the size (a fresh database, dropped after) gives the statement counts to compare.

Budget (issue 17, section 6), judged on PostgreSQL: p95 <= 50 ms and the same statement count
at both sizes. `--reuse-postgresql NAME` keeps the full-size database NAME (it must be named
flywheel_bench_*): seeded when it does not exist yet, measured as it is when it does; `--drop`
drops it at the end. Without it the database is a throwaway `flywheel_bench_<random>`. The
exit code is 0 even when a budget fails: read the verdict column.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._explain import explain_page  # noqa: E402
from bench._governance_seed import GovernanceScale, Seeded, seed  # noqa: E402
from bench._measure import PageResult, StatementCounter  # noqa: E402

BUDGET_P95_MS = 50.0
SMALL_DIVISOR = 100
# (who, page, url, budgeted): who is a key of Seeded's tokens; unbudgeted pages are shown too.
PAGES = (
    ("staff", "questions queue: new", "/staff/questions", True),
    ("staff", "questions queue: waiting on us", "/staff/questions?status=waiting_on_us", True),
    ("staff", "questions queue: answered", "/staff/questions?status=answered", True),
    ("staff", "questions queue: one topic", "/staff/questions?topic=commissions", True),
    ("staff", "co-marketing queue", "/staff/approvals", True),
    ("staff", "MDF queue", "/staff/mdf", True),
    ("staff", "MDF queue: every status", "/staff/mdf?status=all", True),
    ("staff", "MDF budget per tier", "/staff/mdf/budget", False),
    ("large", "partner questions (org 1)", "/questions", True),
    ("large", "partner co-marketing (org 1)", "/approvals", True),
    ("large", "partner MDF (org 1)", "/mdf", True),
    ("large", "partner earnings (org 1)", "/earnings", True),
    ("typical", "partner questions (typical)", "/questions", True),
)


@dataclass
class Result(PageResult):
    """bench/_measure.py's timings and counts, with the statements at the small size."""

    budgeted: bool = True
    small_statements: int | None = None

    @property
    def verdict(self) -> str:
        if self.error:
            return f"FAIL ({self.error})"
        if self.small_statements is not None and self.small_statements != self.statements_max:
            return "FAIL (statements grow)"
        if not self.budgeted:
            return "info"
        return "PASS" if self.p95_ms <= BUDGET_P95_MS else f"FAIL (p95 > {BUDGET_P95_MS:.0f} ms)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="PostgreSQL server (default $BENCH_DATABASE_URL; none: SQLite)",
    )
    parser.add_argument(
        "--reuse-postgresql",
        metavar="NAME",
        help="keep the full-size database NAME: seed it once, measure it as it is after",
    )
    parser.add_argument("--drop", action="store_true", help="drop the reused database at the end")
    parser.add_argument("--quick", action="store_true", help="a hundredth of the size")
    parser.add_argument("--no-compare", action="store_true", help="skip the small program")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workdir", type=Path, help="where SQLite files go")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: EXPLAIN ANALYZE each page's statements instead of timing them",
    )
    return parser.parse_args(argv)


def _app(database: BenchDatabase) -> Flask:
    from portal import create_app

    return create_app({
        "SECRET_KEY": "flywheel-bench-secret", "SQLALCHEMY_DATABASE_URI": database.url,
        "CONTENT_DIR": str(ROOT / "content"), "CONTENT_AUTO_RELOAD": False,
        "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "log",
    })  # fmt: skip


def _seeded(database: BenchDatabase, scale: GovernanceScale, seed_value: int) -> Seeded:
    """Create the tables, seed them, refresh the planner's statistics."""
    from portal.extensions import db

    app = _app(database)
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        seeded = seed(BulkWriter(db.engine), scale, seed_value)
        analyze(db.engine)
        db.engine.dispose()
    seconds = time.perf_counter() - started
    print(f"seeded {seeded.rows:,} rows ({scale}) in {seconds:.0f} s", flush=True)
    return seeded


def _tokens_of(database: BenchDatabase) -> Seeded | None:
    """Who to sign in as in a database seeded before; None when it is not seeded."""
    engine = sa.create_engine(database.url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("mdf_requests"):
                return None
            rows = conn.scalar(sa.text("SELECT count(*) FROM mdf_requests"))
            orgs = conn.scalar(sa.text("SELECT count(*) FROM organizations"))
            if not rows or not orgs:
                return None

            def token(user_id: int) -> str:
                query = sa.text("SELECT session_token FROM users WHERE id = :id")
                return str(conn.scalar(query, {"id": user_id}))

            # bench/_governance_seed.py: user n is organisation n's admin; staff come after.
            return Seeded(token(orgs + 1), token(1), token(orgs // 2 + 1), rows=0)
    finally:
        engine.dispose()


def _reused(server_url: str, name: str, workdir: Path) -> BenchDatabase:
    """The kept database NAME on the server, created (empty) when missing."""
    if not name.startswith("flywheel_bench_"):
        raise SystemExit("--reuse-postgresql: the name must start with flywheel_bench_")
    made = create_database(server_url, workdir, "probe")  # learns the URL shape, then goes
    made.drop()
    url = sa.make_url(made.url).set(database=name)
    database = BenchDatabase(url.render_as_string(hide_password=False), "governance",
                             server_url=made.server_url, name=name)  # fmt: skip
    admin = sa.create_engine(made.server_url or "", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return database


def _signer(app: Flask, client: FlaskClient, seeded: Seeded) -> Callable[[str], None]:
    """Signs the client in as "staff", "large" or "typical" (Flask-Login reads `_user_id`)."""
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    tokens = {"staff": seeded.staff_token, "large": seeded.large_token,
              "typical": seeded.typical_token}  # fmt: skip

    def sign_in(who: str) -> None:
        with client.session_transaction() as session:
            session.clear()
            session.update({"_user_id": tokens[who], "_fresh": True, "_id": identifier})

    return sign_in


def explain(database: BenchDatabase, seeded: Seeded) -> None:
    """The profile: each page's statements under EXPLAIN ANALYZE (bench/_explain.py)."""
    from portal.extensions import db

    app = _app(database)
    client = app.test_client()
    sign_in = _signer(app, client, seeded)
    for who, _page, url, _budgeted in PAGES:
        sign_in(who)
        client.get(url)  # warm
        explain_page(app, client, url)
    with app.app_context():
        db.engine.dispose()


def measure(app: Flask, seeded: Seeded, requests: int, warmup: int) -> list[Result]:
    """Every page of PAGES, `warmup` + `requests` GETs each; any non-200 stops the page."""
    from portal.extensions import db

    client = app.test_client()
    sign_in = _signer(app, client, seeded)
    with app.app_context():
        counter = StatementCounter(db.engine)
    results = []
    try:
        for who, page, url, budgeted in PAGES:
            sign_in(who)
            result = Result(page, url, budgeted=budgeted)
            for number in range(warmup + requests):
                counter.count = 0
                cpu_started = time.process_time()
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu_started) * 1000
                if response.status_code != 200:
                    result.error = f"GET {url} answered {response.status_code}"
                    break
                if number >= warmup:
                    result.times_ms.append(elapsed)
                    result.cpu_ms.append(cpu)
                    result.statements.append(counter.count)
            results.append(result)
    finally:
        counter.close()
    return results


def _measured(database: BenchDatabase, seeded: Seeded, requests: int, warmup: int) -> list[Result]:
    from portal.extensions import db

    app = _app(database)
    try:
        return measure(app, seeded, requests, warmup)
    finally:
        with app.app_context():
            db.engine.dispose()


def print_table(results: list[Result], dialect: str, scale: GovernanceScale) -> bool:
    """The one table; True when every page passed."""
    print(
        f"\n{scale.questions:,} questions, {scale.pieces:,} co-marketing pieces, "
        f"{scale.mdf_requests:,} MDF requests over {scale.orgs:,} organisations on {dialect}; "
        f"statements at 1/{SMALL_DIVISOR} of the size / full size"
    )
    header = (
        f"{'page':<31} {'median ms':>9} {'p95 ms':>7} {'cpu med':>7} {'statements':>10}  "
        f"{'budget':<12} verdict"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for result in results:
        small = "-" if result.small_statements is None else str(result.small_statements)
        statements = f"{small} / {result.statements_max}"
        budget = f"p95 <= {BUDGET_P95_MS:.0f} ms" if result.budgeted else "(none)"
        verdict = result.verdict
        if dialect != "PostgreSQL" and verdict.startswith("FAIL (p95"):
            verdict = "info (SQLite)"
        ok = ok and not verdict.startswith("FAIL")
        print(
            f"{result.page:<31} {result.median_ms:>9.1f} {result.p95_ms:>7.1f} "
            f"{result.cpu_median_ms:>7.1f} {statements:>10}  {budget:<12} {verdict}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Seed (or reuse), measure, print the table."""
    args = parse_args(argv)
    if args.reuse_postgresql and not args.database_url:
        raise SystemExit("--reuse-postgresql needs --database-url (or BENCH_DATABASE_URL)")
    full = GovernanceScale()
    scale = full.smaller(SMALL_DIVISOR) if args.quick else full
    dialect = "PostgreSQL" if args.database_url else "SQLite"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-governance-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"{args.requests} requests per page after {args.warmup}", flush=True)  # fmt: skip
    small_counts: dict[str, int] = {}
    try:
        if not args.no_compare:
            small = create_database(args.database_url, workdir, "governance-small")
            try:
                seeded = _seeded(small, scale.smaller(SMALL_DIVISOR), args.seed)
                small_counts = {r.page: r.statements_max for r in _measured(small, seeded, 2, 1)}
            finally:
                small.drop()
        if args.reuse_postgresql:
            database = _reused(args.database_url, args.reuse_postgresql, workdir)
            found = _tokens_of(database)
            print(f"{database.describe()}: {'reused' if found else 'seeding it'}", flush=True)
            seeded = found or _seeded(database, scale, args.seed)
        else:
            database = create_database(args.database_url, workdir, "governance")
            seeded = _seeded(database, scale, args.seed)
        try:
            if args.explain:
                explain(database, seeded)
                return 0
            results = _measured(database, seeded, args.requests, args.warmup)
        finally:
            if args.reuse_postgresql and not args.drop:
                print(f"kept {database.describe()}")
            else:
                database.drop()
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        result.small_statements = small_counts.get(result.page)
    ok = print_table(results, dialect, scale)
    print(f"\n{'every page met its budget' if ok else 'some pages FAILED'}; load average at "
          f"the end {os.getloadavg()[0]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
