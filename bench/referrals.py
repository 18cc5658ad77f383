"""Referral and inbox benchmark: seeding, page timings and SQL statements per request.

    .venv/bin/python bench/referrals.py                       # 1,000,000 referrals, SQLite
    .venv/bin/python bench/referrals.py --referrals 10000 --compare-small 0   # quick run
    .venv/bin/python bench/referrals.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Budgets (issue 3, section 6): the inbox first page, a filtered page, page 500, a referral's
staff page, the partner's list and a submission (with the conflict check): median <= 30 ms,
p95 <= 60 ms, <= 12 SQL statements per request, and the same count at 10,000 referrals as at
1,000,000. The exit code is 0 even when a budget fails; failures are printed as FAIL.

Columns: wall-clock median and p95 per request, `cpu med` (this process's CPU time), `sql med`
(time inside the driver's execute calls: the whole query on PostgreSQL, up to the first row on
SQLite), statements per request (max and median). A page that is slow while `sql med` is small
spends its time in Python (rendering), not in the database.
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

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._referrals_measure import (  # noqa: E402
    BUDGET_MEDIAN_MS,
    BUDGET_P95_MS,
    BUDGET_STATEMENTS,
    ReferralPageResult,
    measure_referral_pages,
)
from bench._referrals_seed import ReferralScale, ReferralSeed, seed_referrals  # noqa: E402
from bench._referrals_tables import check_columns  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

CONTENT_DIR = ROOT / "content"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="where SQLite files go (default: a temp dir)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a throwaway database flywheel_bench_<random> is created "
        "there and dropped at the end",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workdir and databases")
    parser.add_argument("--referrals", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument("--orgs", type=int, default=5_000, help="organisations (default 5,000)")
    parser.add_argument(
        "--compare-small",
        type=int,
        default=10_000,
        metavar="N",
        help="first run the same on N referrals and compare statement counts (default 10,000; "
        "0 skips)",
    )
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20240917, help="random seed")
    parser.add_argument("--seed-only", action="store_true", help="seed and stop (timing check)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; 0 even when a budget fails."""
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-referrals-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    report = Report()
    report.line(machine_reference())
    runs = []
    if args.compare_small and not args.seed_only:
        runs.append(("small", ReferralScale(args.orgs, args.compare_small)))
    runs.append(("full", ReferralScale(args.orgs, args.referrals)))
    measured: dict[str, list[ReferralPageResult]] = {}
    try:
        for label, scale in runs:
            database = create_database(args.database_url, workdir, label)
            try:
                measured[label] = run_once(database, scale, args, report, label)
            finally:
                if args.keep:
                    report.line(f"kept {database.describe()}")
                else:
                    database.drop()
        for label, scale in runs:
            if label in measured and not args.seed_only:
                report.results_table(measured[label], scale)
        if "small" in measured and "full" in measured:
            report.compare_table(measured["small"], measured["full"], runs[0][1], runs[1][1])
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report.line(machine_reference())
    if not args.seed_only:
        report.line("")
        report.line(
            f"OVERALL: {'PASS' if report.all_passed else 'FAIL (see the rows marked FAIL)'}"
        )
    return 0


def run_once(
    database: BenchDatabase,
    scale: ReferralScale,
    args: argparse.Namespace,
    report: Report,
    label: str,
) -> list[ReferralPageResult]:
    """Create the schema, seed it, measure every page."""
    from portal import create_app
    from portal.extensions import db

    report.line("")
    report.line(
        f"[{label}] {database.describe()}: {scale.referrals:,} referrals, {scale.orgs:,} orgs"
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
        db.create_all()
        check_columns(db.metadata)
        started = time.perf_counter()
        seeded = seed_referrals(BulkWriter(db.engine), scale, args.seed, time.perf_counter)
        seeding = time.perf_counter() - started
        started = time.perf_counter()
        analyze(db.engine)
        seeded.seconds["ANALYZE"] = time.perf_counter() - started
        report.seeding(label, seeded, seeding + seeded.seconds["ANALYZE"])
    if args.seed_only:
        return []
    try:
        results = measure_referral_pages(app, seeded, args.requests, args.warmup)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report.line(
        f"[{label}] measured {args.requests} requests per page after {args.warmup} warm-up "
        f"(load average after: {load} on {os.cpu_count()} CPUs)"
    )
    return results


class Report:
    """Prints as it goes and keeps the overall verdict."""

    def __init__(self) -> None:
        self.all_passed = True

    def line(self, text: str) -> None:
        print(text, flush=True)

    def seeding(self, label: str, seeded: ReferralSeed, total: float) -> None:
        counts = ", ".join(f"{table} {count:,}" for table, count in seeded.counts.items())
        self.line(f"[{label}] seeded in {total:.1f} s: {counts}")
        for step, seconds in seeded.seconds.items():
            self.line(f"[{label}]   {step}: {seconds:.1f} s")

    def results_table(self, results: list[ReferralPageResult], scale: ReferralScale) -> None:
        self.line("")
        self.line(
            f"Pages at {scale.referrals:,} referrals, {scale.orgs:,} orgs (budget: median <= "
            f"{BUDGET_MEDIAN_MS:.0f} ms, p95 <= {BUDGET_P95_MS:.0f} ms, statements <= "
            f"{BUDGET_STATEMENTS})"
        )
        header = (
            f"{'page':<22} {'n':>4} {'median ms':>9} {'p95 ms':>8} {'cpu med':>8} {'sql med':>8} "
        )
        header += f"{'stmts max':>9} {'stmts med':>9}  result"
        self.line(header)
        self.line("-" * len(header))
        for result in results:
            self.all_passed &= result.passed
            row = f"{result.page:<22} {len(result.times_ms):>4} {result.median_ms:>9.1f} "
            row += (
                f"{result.p95_ms:>8.1f} {result.cpu_median_ms:>8.1f} {result.sql_median_ms:>8.1f} "
            )
            row += f"{result.statements_max:>9} {result.statements_median:>9.0f}  "
            row += "PASS" if result.passed else "FAIL"
            self.line(row + (f"  ({result.note})" if result.note else ""))
            if result.error:
                self.line(f"    error: {result.error}")

    def compare_table(
        self,
        small: list[ReferralPageResult],
        full: list[ReferralPageResult],
        small_scale: ReferralScale,
        scale: ReferralScale,
    ) -> None:
        self.line("")
        self.line(
            f"Statements per request (max/median) at {small_scale.referrals:,} vs "
            f"{scale.referrals:,} referrals (must be equal)"
        )
        header = f"{'page':<22} {'small':>9} {'full':>9}  result"
        self.line(header)
        self.line("-" * len(header))
        for before, after in zip(small, full, strict=True):
            same = (
                not before.error
                and not after.error
                and before.statements_max == after.statements_max
                and before.statements_median == after.statements_median
            )
            self.all_passed &= same
            self.line(
                f"{after.page:<22} {_counts(before):>9} {_counts(after):>9}  "
                f"{'PASS' if same else 'FAIL'}"
            )


def _counts(result: ReferralPageResult) -> str:
    if result.error or not result.statements:
        return "error"
    return f"{result.statements_max}/{result.statements_median:.0f}"


if __name__ == "__main__":
    sys.exit(main())
