"""Scorecard and partner home benchmark: server time and SQL statements per request.

    make bench-scorecard        # SQLite at 100,000, then PostgreSQL if BENCH_DATABASE_URL is set
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        make bench-scorecard BENCH_ARGS=--program-scale            # both at 10,000 and 1,000,000
    .venv/bin/python bench/scorecard.py                                   # SQLite
    .venv/bin/python bench/scorecard.py --referrals 20000 --compare-small 0   # quick run
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/scorecard.py --program-scale     # 10,000 vs 1,000,000
    BENCH_DATABASE_URL=... .venv/bin/python bench/scorecard.py --program-scale --compare-small 0 \
        --keep                                            # seed once and keep the database, then
    BENCH_DATABASE_URL=... .venv/bin/python bench/scorecard.py --program-scale \
        --reuse-postgresql flywheel_bench_ab12cd34        # measure it again without seeding

One program of `--referrals` referrals (default 100,000) over `--orgs` organisations
(default 1,000) with two people each and `--people-per-org` more; organisation 1 is the large
one, holding `--large-share` of the referrals (default 10 %) with 62 people and `--activity`
activity events (default 50,000). `--program-scale` is the issue's program: 5,000
organisations, 50,000 people, 1,000,000 referrals (organisation 1 then holds 100,000: the
worst case a partner's pages meet). Measured as organisation 1's partner admin:
`/scorecard` (before `flask scorecard refresh` has stored anything, then after: the current
quarter and one a year back), the CSV, the partner home `/` (open referrals, earnings this
year, the tier card computed live); as a *typical* partner's admin (the organisation of the
median size by referrals): `/scorecard` and `/`; as staff: the organisation's scorecard under
/staff/orgs/1 and the organisation list sorted by attention (no time budget). Only the
"no refresh" row grows with the data: it is what a scorecard costs until the first
`flask scorecard refresh` has stored the program's average and the organisations' closed
quarters (the bench times that refresh, first run and daily run).

Budget (issue 12, section 4): scorecard and partner home <= 50 ms on PostgreSQL (checked on
p95), and the statement count the same at `--compare-small` referrals as at the full size.
Columns as in bench/referrals.py: wall-clock median and p95, this process's CPU (`cpu med`),
time inside the driver (`sql med`), statements per request. The exit code is 0 even when a
budget fails; failures are printed as FAIL. Seeding goes through COPY on PostgreSQL
(executemany on SQLite); at program scale it takes several minutes on a 2-core machine, and
timings suffer when the machine is busy (compare the load average on the first line).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._referrals_measure import ReferralBench, ReferralPageResult  # noqa: E402
from bench._referrals_seed import ReferralScale, ReferralSeed  # noqa: E402
from bench._referrals_tables import check_columns  # noqa: E402
from bench._scorecard_seed import ScorecardScale, seed_scorecard  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

CONTENT_DIR = ROOT / "content"
BUDGET_MS = 50.0
# Measured for information: the issue sets it no time budget (statements must still not grow).
UNBUDGETED = frozenset({"org list by attention"})
# Organisations whose daily refresh is timed besides organisation 1.
DAILY_SAMPLE = 200


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="where SQLite files go (default: a temp dir)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="a PostgreSQL server URL (default: $BENCH_DATABASE_URL; unset: SQLite); a "
        "throwaway database flywheel_bench_<random> is created there and dropped at the end",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workdir and databases")
    parser.add_argument("--referrals", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--orgs", type=int, default=1_000, help="organisations (default 1,000)")
    parser.add_argument(
        "--people-per-org",
        type=int,
        default=0,
        help="people in every organisation besides its admin and user (default 0)",
    )
    parser.add_argument(
        "--program-scale",
        action="store_true",
        help="the issue's program: 5,000 organisations, 50,000 people (8 more per "
        "organisation), 1,000,000 referrals; overrides --orgs, --people-per-org, --referrals",
    )
    parser.add_argument(
        "--large-share",
        type=float,
        default=0.10,
        help="organisation 1's share of the referrals (default 0.10)",
    )
    parser.add_argument(
        "--activity",
        type=int,
        default=50_000,
        help="organisation 1's activity events (default 50,000: fifty times the average of a "
        "program with 5,000,000 events over 5,000 organisations)",
    )
    parser.add_argument(
        "--compare-small",
        type=int,
        default=10_000,
        metavar="N",
        help="first run on N referrals and compare statement counts (default 10,000; 0 skips)",
    )
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20261207, help="random seed")
    parser.add_argument(
        "--reuse-postgresql",
        metavar="NAME",
        help="measure a database kept by an earlier run (--keep) on the --database-url server "
        "again instead of seeding the full size (give the same scale options)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; 0 even when a budget fails."""
    args = parse_args(argv)
    if args.program_scale:
        args.orgs, args.people_per_org, args.referrals = 5_000, 8, 1_000_000
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-scorecard-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    print(machine_reference(), flush=True)
    runs = []
    if args.compare_small:
        runs.append(("small", _scale(args, args.compare_small)))
    runs.append(("full", _scale(args, args.referrals)))
    measured: dict[str, list[ReferralPageResult]] = {}
    passed = True
    try:
        for label, scale in runs:
            reuse = args.reuse_postgresql if label == "full" else None
            if reuse:
                database = _existing(args.database_url, reuse, workdir)
            else:
                database = create_database(args.database_url, workdir, label)
            try:
                measured[label] = run_once(database, scale, args, label, reused=bool(reuse))
            finally:
                if args.keep or reuse:
                    print(f"kept {database.describe()}", flush=True)
                else:
                    database.drop()
        on_postgresql = bool(args.database_url)
        dialect = "PostgreSQL" if on_postgresql else "SQLite"
        for label, scale in runs:
            passed &= results_table(measured[label], scale, dialect, enforce=on_postgresql)
        if "small" in measured:
            passed &= compare_table(measured["small"], measured["full"], runs[0][1], runs[1][1])
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nOVERALL: {'PASS' if passed else 'FAIL (see the rows marked FAIL)'}", flush=True)
    return 0


def _existing(server_url: str | None, name: str, workdir: Path) -> BenchDatabase:
    """A database an earlier run kept, on the same server."""
    if not server_url:
        raise SystemExit("--reuse-postgresql needs --database-url (or $BENCH_DATABASE_URL)")
    probe = create_database(server_url, workdir, "probe")  # only to learn the URL shape
    probe.drop()
    url = sa.make_url(probe.url).set(database=name)
    return BenchDatabase(url=url.render_as_string(hide_password=False), label="reused",
                         server_url=probe.server_url, name=name)  # fmt: skip


def _scale(args: argparse.Namespace, referrals: int) -> ScorecardScale:
    large = int(referrals * args.large_share)
    return ScorecardScale(
        ReferralScale(args.orgs, referrals, customers=2_000, probe_referrals=large),
        large_org_activity=args.activity,
        people_per_org=args.people_per_org,
    )


def run_once(
    database: BenchDatabase,
    scale: ScorecardScale,
    args: argparse.Namespace,
    label: str,
    reused: bool = False,
) -> list[ReferralPageResult]:
    """Create the schema, seed it, measure every page."""
    from portal import create_app
    from portal.extensions import db

    refs = scale.referrals
    print(
        f"\n[{label}] {database.describe()}: {refs.referrals:,} referrals, {refs.orgs:,} orgs, "
        f"organisation 1 holds {refs.probe_referrals:,}",
        flush=True,
    )
    app = create_app(
        {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database.url,
            "CONTENT_DIR": str(CONTENT_DIR),
            "CONTENT_AUTO_RELOAD": False,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "log",
            "BASE_URL": "http://portal.bench",
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        if reused:
            seeded = _reused(db.engine)
        else:
            db.create_all()
            check_columns(db.metadata)
            started = time.perf_counter()
            seeded = seed_scorecard(BulkWriter(db.engine), scale, args.seed, time.perf_counter)
            analyze(db.engine)
            counts = ", ".join(f"{table} {count:,}" for table, count in seeded.counts.items())
            print(f"[{label}] seeded in {time.perf_counter() - started:.1f} s: {counts}")
    from portal.content_runtime import current_content
    from portal.db_types import utcnow
    from portal.scorecard.program import refresh_program_outcomes
    from portal.scorecard.quarters import quarter_of
    from portal.scorecard.rollup import closed_quarters, refresh_org_quarters

    with app.app_context():
        typical_org, typical_size, typical_token = _typical_partner(db.engine)
    print(f"[{label}] typical partner: organisation {typical_org} ({typical_size:,} referrals, "
          "the median organisation's size)", flush=True)  # fmt: skip
    bench = ReferralBench(app, seeded, args.requests, args.warmup)
    try:
        year_back = quarter_of(utcnow()).trailing(5)[0].label
        bench.sign_in(seeded.probe_token)
        # Before `flask scorecard refresh` has run: the program's average and every quarter of
        # the organisation's own figures counted live.
        results = [bench.measure_get("scorecard, no refresh", ["/scorecard"])]
        with app.app_context():
            started = time.perf_counter()
            refresh_program_outcomes(utcnow())
            db.session.commit()
            program_seconds = time.perf_counter() - started
            currency = current_content().program.currency
            # The closed quarters the measured pages show (the current scorecard: the last
            # three; the one a year back: the four before the fourth last), for the two
            # organisations measured; then a daily run (the last
            # two closed quarters) timed on organisation 1 and on a sample of others, since
            # every organisation's would take many minutes on this machine (see README).
            now = utcnow()
            shown = closed_quarters(now, 7)
            started = time.perf_counter()
            refresh_org_quarters(now, shown, currency, organization_ids=[1, typical_org])
            print(f"[{label}] refresh of organisations 1 and {typical_org}, {len(shown)} closed "
                  f"quarters: {time.perf_counter() - started:.2f} s", flush=True)  # fmt: skip
            daily = closed_quarters(now, 2)
            for who in ([1], list(range(2, 2 + DAILY_SAMPLE))):
                started = time.perf_counter()
                refresh_org_quarters(now, daily, currency, organization_ids=who)
                print(f"[{label}] daily refresh, {len(who)} organisation(s) from {who[0]}: "
                      f"{time.perf_counter() - started:.2f} s", flush=True)  # fmt: skip
            print(f"[{label}] flask scorecard refresh --program-only: {program_seconds:.2f} s",
                  flush=True)  # fmt: skip
        results += [
            bench.measure_get("scorecard", ["/scorecard"]),
            bench.measure_get("scorecard, year back", [f"/scorecard?quarter={year_back}"]),
            bench.measure_get("scorecard CSV", ["/scorecard.csv"]),
            bench.measure_get("partner home", ["/"]),
        ]
        bench.sign_in(typical_token)
        results += [
            bench.measure_get("typical: scorecard", ["/scorecard"]),
            bench.measure_get("typical: partner home", ["/"]),
        ]
        bench.sign_in(seeded.staff_token)
        results.append(bench.measure_get("staff scorecard", ["/staff/orgs/1/scorecard"]))
        results.append(bench.measure_get("org list by attention", ["/staff/orgs?sort=attention"]))
    finally:
        bench.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return results


def _typical_partner(engine: sa.Engine) -> tuple[int, int, str]:
    """The organisation of the median size by referrals (organisations without any count),
    its referral count and its partner admin's session token."""
    with engine.connect() as conn:
        sizes = conn.execute(sa.text(
            "SELECT o.id, COUNT(r.id) AS n FROM organizations o "
            "LEFT JOIN referrals r ON r.organization_id = o.id "
            "GROUP BY o.id ORDER BY n, o.id")).all()  # fmt: skip
        org_id, size = sizes[len(sizes) // 2]
        token = conn.scalar(sa.text(
            "SELECT session_token FROM users WHERE organization_id = :org "
            "AND role = 'partner_admin' ORDER BY id LIMIT 1"), {"org": org_id})  # fmt: skip
    return int(org_id), int(size), str(token)


def _reused(engine: sa.Engine) -> ReferralSeed:
    """Who to sign in as in a kept database; its stored figures are removed, so the
    "no refresh" row measures what it did the first time. Tables and indexes the models
    gained since it was seeded are created."""
    from portal.extensions import db

    db.metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                index.create(conn, checkfirst=True)
    analyze(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM scorecard_program_quarters"))
        conn.execute(sa.text("DELETE FROM scorecard_org_quarters"))
        probe = conn.scalar(sa.text("SELECT session_token FROM users WHERE organization_id = 1 "
                                    "AND role = 'partner_admin' ORDER BY id LIMIT 1"))  # fmt: skip
        staff = conn.scalar(
            sa.text("SELECT session_token FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")
        )
    return ReferralSeed(str(probe), str(staff), [], [], [], [])


def results_table(
    results: list[ReferralPageResult], scale: ScorecardScale, dialect: str, enforce: bool
) -> bool:
    """Print the timings; on PostgreSQL each page's p95 must be within BUDGET_MS."""
    refs = scale.referrals
    budget = f"p95 <= {BUDGET_MS:.0f} ms" if enforce else "no time budget on SQLite"
    print(f"\n{dialect}, {refs.referrals:,} referrals, {refs.orgs:,} orgs ({budget})")
    header = (
        f"{'page':<23} {'n':>4} {'median ms':>9} {'p95 ms':>8} {'cpu med':>8} {'sql med':>8} "
        f"{'stmts max':>9} {'stmts med':>9}  result"
    )
    print(header)
    print("-" * len(header))
    passed = True
    for r in results:
        budgeted = enforce and r.page not in UNBUDGETED
        ok = not r.error and bool(r.times_ms) and (not budgeted or r.p95_ms <= BUDGET_MS)
        passed &= ok
        print(
            f"{r.page:<23} {len(r.times_ms):>4} {r.median_ms:>9.1f} {r.p95_ms:>8.1f} "
            f"{r.cpu_median_ms:>8.1f} {r.sql_median_ms:>8.1f} {r.statements_max:>9} "
            f"{r.statements_median:>9.0f}  {'PASS' if ok else 'FAIL'}"
            f"{' (no time budget)' if r.page in UNBUDGETED else ''}"
        )
        if r.error:
            print(f"    error: {r.error}")
    return passed


def compare_table(
    small: list[ReferralPageResult],
    full: list[ReferralPageResult],
    small_scale: ScorecardScale,
    scale: ScorecardScale,
) -> bool:
    """Statement counts must not grow with the data."""
    print(
        f"\nStatements per request (max/median) at {small_scale.referrals.referrals:,} vs "
        f"{scale.referrals.referrals:,} referrals (must be equal)"
    )
    passed = True
    for before, after in zip(small, full, strict=True):
        same = (
            not before.error
            and not after.error
            and before.statements_max == after.statements_max
            and before.statements_median == after.statements_median
        )
        passed &= same
        print(
            f"{after.page:<23} {before.statements_max:>4}/{before.statements_median:<4.0f} "
            f"{after.statements_max:>4}/{after.statements_median:<4.0f}  "
            f"{'PASS' if same else 'FAIL'}"
        )
    return passed


if __name__ == "__main__":
    sys.exit(main())
