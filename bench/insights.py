"""Program insights at program scale: /insights and the organisation list, on SQLite and
PostgreSQL.

    .venv/bin/python bench/insights.py --quick                  # smoke run, SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres make bench-insights
    .venv/bin/python bench/insights.py --only postgresql --keep  # keep the seeded database
    .venv/bin/python bench/insights.py --reuse-postgresql flywheel_bench_ab12cd34 \
        --reuse-sqlite /tmp/bench-insights.sqlite        # measure kept databases again

Seeds 5,000 organisations, 50,000 people, 1,000,000 referrals with their events and
commissions, 5,000,000 activity events and 500,000 quiz attempts (bench/_insights_seed.py),
runs `flask insights rollup` (timed: the hourly job), then times `/insights` for every period
and for filters, and the organisation list (default order, sorted by attention, filtered to a
flag), through the Flask test client. Statement counts are compared with a database of the
same organisations and people but 10,000 referrals.

Budgets (issue 12, section 4), judged on PostgreSQL: `/insights` p95 <= 150 ms for every period
and filter; statements the same at 10,000 and at 1,000,000 referrals. SQLite is reported for
information. Seeding takes minutes: run it with `nice`, keep the database (`--keep`) and
measure it again with `--reuse-*`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._insights_seed import InsightsScale, seed  # noqa: E402
from bench._measure import PageResult, StatementCounter  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

BUDGET_P95_MS = 150.0
QUICK = InsightsScale(orgs=500, users=5_000, referrals=20_000, activity=100_000, attempts=10_000)
SMALL_REFERRALS = 10_000


@dataclass
class Run:
    label: str
    results: list[PageResult]
    rollup_seconds: tuple[float, float]  # --all, hourly
    small_statements: dict[str, int]
    seeded: str


def pages(now_quarter: str, previous_quarter: str) -> list[tuple[str, str]]:
    """(name, url) of every measured page."""
    return [
        ("/insights 30 days", "/insights?period=30"),
        ("/insights 90 days", "/insights?period=90"),
        ("/insights 365 days", "/insights?period=365"),
        (f"/insights {now_quarter}", f"/insights?period={now_quarter}"),
        (f"/insights {previous_quarter}", f"/insights?period={previous_quarter}"),
        ("/insights 90 d, type", "/insights?period=90&type=reseller"),
        (
            "/insights 365 d, 3 filters",
            "/insights?period=365&type=referral&tier=gold&region=Europe",
        ),
        ("organisation list", "/staff/orgs"),
        ("org list by attention", "/staff/orgs?sort=attention"),
        ("org list, stalled", "/staff/orgs?flag=stalled&sort=last_login"),
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="PostgreSQL server (default: $BENCH_DATABASE_URL); a database "
        "flywheel_bench_<random> is created there and dropped unless --keep",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    parser.add_argument("--quick", action="store_true", help="a small smoke-run scale")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--workdir", type=Path, help="where SQLite files go")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument("--reuse-sqlite", type=Path, help="measure this seeded SQLite file")
    parser.add_argument("--reuse-postgresql", help="measure this seeded database on the server")
    parser.add_argument("--no-compare", action="store_true", help="skip the 10,000-referral run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-insights-"))
    workdir.mkdir(parents=True, exist_ok=True)
    scale = QUICK if args.quick else InsightsScale()
    print(machine_reference(), flush=True)
    servers = []
    if args.only != "postgresql":
        servers.append(("SQLite", None, args.reuse_sqlite))
    if args.only != "sqlite" and (args.database_url or args.reuse_postgresql):
        servers.append(("PostgreSQL", args.database_url, args.reuse_postgresql))
    runs = []
    try:
        for label, server_url, reuse in servers:
            runs.append(_run(label, server_url, reuse, scale, args, workdir))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = all([_report(run) for run in runs])  # noqa: C419 (print every report)
    print(f"\nOVERALL: {'PASS' if passed else 'FAIL (see the rows marked FAIL)'}")
    print(machine_reference())
    return 0 if passed else 1


def _existing(
    label: str, server_url: str | None, reuse: Path | str, workdir: Path
) -> BenchDatabase:
    if label == "SQLite":
        return BenchDatabase(url=f"sqlite:///{reuse}", label="insights", sqlite_file=Path(reuse))
    made = create_database(server_url, workdir, "probe")  # only to learn the URL shape
    made.drop()
    url = sa.make_url(made.url).set(database=str(reuse))
    return BenchDatabase(url=url.render_as_string(hide_password=False), label="insights",
                         server_url=made.server_url, name=str(reuse))  # fmt: skip


def _run(label, server_url, reuse, scale, args, workdir) -> Run:
    small: dict[str, int] = {}
    if not args.no_compare:
        database = create_database(server_url, workdir, "insights-small")
        try:
            app, token, _ = _seeded_app(database, scale.smaller(SMALL_REFERRALS), args.seed)
            _rollup(app)
            measured = _measure(app, token, requests=2, warmup=1)
            small = {r.page: r.statements_max for r in measured}
            _dispose(app)
        finally:
            database.drop()
    if reuse:
        database = _existing(label, server_url, reuse, workdir)
        app, token, seeded = _app(database), _staff_token(database), "reused"
    else:
        database = create_database(server_url, workdir, "insights")
        app, token, seeded = _seeded_app(database, scale, args.seed)
    try:
        rollup_seconds = _rollup(app)
        results = _measure(app, token, args.requests, args.warmup)
    finally:
        _dispose(app)
        if args.keep or reuse:
            print(f"kept {database.describe()}")
        else:
            database.drop()
    return Run(label, results, rollup_seconds, small, seeded)


def _app(database: BenchDatabase) -> Flask:
    from portal import create_app

    return create_app({
        "SECRET_KEY": os.environ["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": database.url,
        "CONTENT_DIR": str(ROOT / "content"), "CONTENT_AUTO_RELOAD": False,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "log",
    })  # fmt: skip


def _seeded_app(database: BenchDatabase, scale: InsightsScale, seed_value: int):
    from portal.extensions import db

    app = _app(database)
    print(f"{database.describe()}: seeding {scale}", flush=True)
    with app.app_context():
        db.create_all()
        seeded = seed(BulkWriter(db.engine), scale, seed_value)
        began = time.perf_counter()
        analyze(db.engine)
    rows = sum(seeded.counts.values())
    analyzed = time.perf_counter() - began
    print(f"  seeded {rows:,} rows in {seeded.seconds:.0f} s (analyze {analyzed:.0f} s)")
    print(f"  {seeded.counts}", flush=True)
    return app, seeded.staff_token, f"{seeded.seconds:.0f} s"


def _staff_token(database: BenchDatabase) -> str:
    engine = sa.create_engine(database.url)
    with engine.connect() as conn:
        token = conn.scalar(sa.text("SELECT session_token FROM users WHERE role = 'admin' LIMIT 1"))
    engine.dispose()
    return str(token)


def _rollup(app: Flask) -> tuple[float, float]:
    """`flask insights rollup --all` (every period), then an hourly run; their seconds."""
    from portal.content_runtime import current_content
    from portal.insights.rollup import rollup

    with app.app_context():
        full = rollup(current_content(), everything=True)
        hourly = rollup(current_content())
    slowest = max(full.periods, key=lambda pair: pair[1])
    print(f"  rollup --all: {full.rows} snapshots in {full.seconds:.1f} s (slowest period "
          f"{slowest[0]}: {slowest[1]:.1f} s); hourly run: {hourly.seconds:.1f} s for "
          f"{', '.join(key for key, _ in hourly.periods)}", flush=True)  # fmt: skip
    return full.seconds, hourly.seconds


def _measure(app: Flask, token: str, requests: int, warmup: int) -> list[PageResult]:
    from portal.db_types import utcnow
    from portal.extensions import db
    from portal.insights.periods import offered_quarters

    quarters = [f"{y}-Q{q}" for y, q in offered_quarters(utcnow())[:2]]
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": token, "_fresh": True, "_id": identifier})
    with app.app_context():
        counter = StatementCounter(db.engine)
    results = []
    try:
        for name, url in pages(*quarters):
            result = PageResult(name, url)
            for number in range(warmup + requests):
                counter.count = 0
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    result.error = f"answered {response.status_code}"
                    break
                if number >= warmup:
                    result.times_ms.append(elapsed)
                    result.statements.append(counter.count)
            results.append(result)
    finally:
        counter.close()
    return results


def _dispose(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _report(run: Run) -> bool:
    judged = run.label == "PostgreSQL"
    full, hourly = run.rollup_seconds
    print(f"\n{run.label}: seeded {run.seeded}; rollup --all {full:.1f} s, hourly {hourly:.1f} s"
          + ("" if judged else " (for information: budgets are judged on PostgreSQL)"))  # fmt: skip
    header = f"{'page':<28} {'median ms':>9} {'p95 ms':>7} {'stmts':>6} {'at 10k':>7}  result"
    print(header)
    print("-" * len(header))
    passed = True
    for r in run.results:
        small = run.small_statements.get(r.page)
        same = small is None or small == r.statements_max
        ok = (
            not r.error
            and same
            and (not r.page.startswith("/insights") or r.p95_ms <= BUDGET_P95_MS)
        )
        verdict = "PASS" if ok else f"FAIL {r.error}".strip()
        passed &= ok or not judged
        print(f"{r.page:<28} {r.median_ms:>9.1f} {r.p95_ms:>7.1f} {r.statements_max:>6} "
              f"{'-' if small is None else small:>7}  {verdict}")  # fmt: skip
    return passed


if __name__ == "__main__":
    sys.exit(main())
