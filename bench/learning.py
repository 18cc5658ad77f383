"""Learning-path benchmark: content load, seeding, page timings and SQL statements per request.

    .venv/bin/python bench/learning.py            # full: 5,000 orgs, 25,000 users, 1M attempts
    .venv/bin/python bench/learning.py --quick    # smoke run: 50 orgs, 250 users, 10,000 attempts
    .venv/bin/python bench/learning.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Budgets (issue 2, section 8): content load <= 2 s; every page median <= 25 ms and p95 <= 50 ms;
<= 10 SQL statements per request, and the same count at 1,000 attempts as at 1,000,000.
The exit code is 0 even when a budget fails; failures are printed as FAIL.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._content import generate_content  # noqa: E402
from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._measure import (  # noqa: E402
    BUDGET_MEDIAN_MS,
    BUDGET_P95_MS,
    BUDGET_STATEMENTS,
    PageResult,
    measure_all,
)
from bench._seed import Scale, SeedResult, seed_database  # noqa: E402

CONTENT_BUDGET_S = 2.0
FULL = Scale(orgs=5_000, users=25_000, attempts=1_000_000)
QUICK = Scale(orgs=50, users=250, attempts=10_000)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where content and SQLite files go "
        "(default: a temporary directory, removed at the end unless --keep)",
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a throwaway database "
        "flywheel_bench_<random> is created there and dropped at the end",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workdir and databases")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 50 orgs, 250 users, 10,000 attempts"
    )
    parser.add_argument("--orgs", type=int, help="organisations (default 5,000)")
    parser.add_argument("--users", type=int, help="users (default 25,000)")
    parser.add_argument("--attempts", type=int, help="quiz attempts (default 1,000,000)")
    parser.add_argument(
        "--compare-small",
        type=int,
        default=1_000,
        metavar="N",
        help="first seed a database of N attempts (same orgs, users and "
        "content) and compare statement counts with it; 0 skips (default "
        "1,000)",
    )
    parser.add_argument("--requests", type=int, help="measured requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; 0 even when a budget fails."""
    args = parse_args(argv)
    preset = QUICK if args.quick else FULL
    users = args.users or preset.users
    scale = Scale(
        orgs=args.orgs or preset.orgs,
        users=users,
        attempts=preset.attempts if args.attempts is None else args.attempts,
        # Quiz takers and path finishers each get at most a third of the users.
        cohort=min(Scale.cohort, users // 3),
    )
    requests = args.requests or 200
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    report = Report()
    report.line(machine_reference())
    try:
        content_dir, content_ok = prepare_content(workdir, args.seed, report)
        if not content_ok:
            return 0
        runs: list[tuple[str, Scale]] = []
        if args.compare_small:
            runs.append(("small", Scale(scale.orgs, scale.users, args.compare_small, scale.cohort)))
        runs.append(("full", scale))
        measured: dict[str, list[PageResult]] = {}
        for label, run_scale in runs:
            database = create_database(args.database_url, workdir, label)
            try:
                measured[label] = run_once(
                    database, content_dir, run_scale, args, requests, report, label
                )
            finally:
                if args.keep:
                    report.line(f"kept {database.describe()}")
                else:
                    database.drop()
        if "small" in measured:
            report.results_table(measured["small"], runs[0][1], budgeted=False)
        report.results_table(measured["full"], scale)
        if "small" in measured:
            report.compare_table(measured["small"], measured["full"], runs[0][1], scale)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report.line(machine_reference())
    report.line("")
    report.line(f"OVERALL: {'PASS' if report.all_passed else 'FAIL (see the rows marked FAIL)'}")
    return 0


def machine_reference() -> str:
    """A fixed pure-Python workload, to compare this machine's speed between runs."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number % 7
        timings.append((time.perf_counter() - started) * 1000)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine reference: 1M-iteration Python loop {statistics.median(timings):.0f} ms "
        f"(lower is faster; load average {load} on {os.cpu_count()} CPUs)"
    )


def prepare_content(workdir: Path, seed: int, report: Report) -> tuple[Path, bool]:
    """Generate the content directory and time `load_content` on it."""
    from portal.content import ContentError, load_content
    from portal.content.rendering import forget_rendered_html

    content_dir = workdir / "content"
    started = time.perf_counter()
    generate_content(content_dir, seed)
    generated = time.perf_counter() - started
    report.line(f"content generated in {generated:.2f} s: {content_dir}")
    timings = []
    index = None
    for _ in range(3):
        forget_rendered_html()  # each load renders every lesson, as a fresh worker does
        started = time.perf_counter()
        try:
            index = load_content(content_dir)
        except ContentError as exc:
            report.line(f"FAIL: the generated content is invalid:\n{exc}")
            report.all_passed = False
            return content_dir, False
        timings.append(time.perf_counter() - started)
    assert index is not None
    modules = sum(len(p.modules) for p in index.paths.values())
    questions = sum(
        len(m.quiz.questions) for p in index.paths.values() for m in p.modules if m.quiz
    )
    verdict = "PASS" if timings[0] <= CONTENT_BUDGET_S else "FAIL"
    report.all_passed &= verdict == "PASS"
    report.line(
        f"content load (validation, Markdown rendered to HTML, search index): first "
        f"{timings[0]:.2f} s, median of 3 "
        f"{statistics.median(timings):.2f} s ({len(index.paths)} paths, {modules} modules, "
        f"{questions} questions, version {index.version}); budget <= {CONTENT_BUDGET_S:.0f} s: "
        f"{verdict}"
    )
    return content_dir, True


def run_once(
    database: BenchDatabase,
    content_dir: Path,
    scale: Scale,
    args: argparse.Namespace,
    requests: int,
    report: Report,
    label: str,
) -> list[PageResult]:
    """Create the schema, seed it, measure every page; returns the page results."""
    from portal import create_app
    from portal.content_runtime import current_content
    from portal.extensions import db

    report.line("")
    report.line(f"[{label}] {database.describe()}")
    app = create_app(
        {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database.url,
            "CONTENT_DIR": str(content_dir),
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
        content = current_content()
        started = time.perf_counter()
        writer = BulkWriter(db.engine)
        seeded = seed_database(writer, content, scale, args.seed, time.perf_counter)
        seeding = time.perf_counter() - started
        started = time.perf_counter()
        analyze(db.engine)
        seeded.seconds["ANALYZE"] = time.perf_counter() - started
        report.seeding(label, seeded, seeding + seeded.seconds["ANALYZE"])
    try:
        results = measure_all(app, seeded, requests, args.warmup)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report.line(
        f"[{label}] measured {requests} requests per page after {args.warmup} warm-up "
        f"(load average after: {load} on {os.cpu_count()} CPUs)"
    )
    return results


class Report:
    """Prints as it goes (long runs show progress) and keeps the overall verdict."""

    def __init__(self) -> None:
        self.all_passed = True

    def line(self, text: str) -> None:
        """Print one line now."""
        print(text, flush=True)

    def seeding(self, label: str, seeded: SeedResult, total: float) -> None:
        """Rows written and how long each step took."""
        counts = ", ".join(f"{table} {count:,}" for table, count in seeded.counts.items())
        self.line(f"[{label}] seeded in {total:.1f} s: {counts}")
        for step, seconds in seeded.seconds.items():
            self.line(f"[{label}]   {step}: {seconds:.1f} s")

    def results_table(self, results: list[PageResult], scale: Scale, budgeted: bool = True) -> None:
        """Page, median, p95, statements, budget, verdict (the small seed: for information)."""
        self.line("")
        self.line(
            f"Pages at {scale.orgs:,} orgs, {scale.users:,} users, {scale.attempts:,} attempts "
            f"(budget: median <= {BUDGET_MEDIAN_MS:.0f} ms, p95 <= {BUDGET_P95_MS:.0f} ms, "
            f"statements <= {BUDGET_STATEMENTS})"
            + ("" if budgeted else "; small seed, for information only")
        )
        header = (
            f"{'page':<24} {'n':>4} {'median ms':>9} {'p95 ms':>8} {'cpu med':>8} {'stmts max':>9} "
        )
        header += f"{'stmts med':>9}  result"
        self.line(header)
        self.line("-" * len(header))
        for result in results:
            verdict = "PASS" if result.passed else "FAIL"
            if budgeted:
                self.all_passed &= result.passed or result.page.startswith("quiz start")
            row = f"{result.page:<24} {len(result.times_ms):>4} {result.median_ms:>9.1f} "
            row += f"{result.p95_ms:>8.1f} {result.cpu_median_ms:>8.1f} "
            row += f"{result.statements_max:>9} {result.statements_median:>9.0f}  {verdict}"
            if result.page.startswith("quiz start"):
                row += " (not budgeted; shown for information)"
            self.line(row)
            if result.error:
                self.line(f"    error: {result.error}")
        for result in results if budgeted else ():
            if not result.passed and not result.error and result.times_ms:
                self.line(f"FAIL {result.page}: {_why(result)}")

    def compare_table(
        self, small: list[PageResult], full: list[PageResult], small_scale: Scale, scale: Scale
    ) -> None:
        """Statements per request at the small seed against the full seed."""
        self.line("")
        self.line(
            f"Statements per request (max/median) at {small_scale.attempts:,} attempts vs "
            f"{scale.attempts:,} attempts (must be equal)"
        )
        header = f"{'page':<24} {'small':>9} {'full':>9}  result"
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
                f"{after.page:<24} {_counts(before):>9} {_counts(after):>9}  "
                f"{'PASS' if same else 'FAIL'}"
            )


def _counts(result: PageResult) -> str:
    if result.error or not result.statements:
        return "error"
    return f"{result.statements_max}/{result.statements_median:.0f}"


def _why(result: PageResult) -> str:
    reasons = []
    if result.median_ms > BUDGET_MEDIAN_MS:
        reasons.append(f"median {result.median_ms:.1f} ms > {BUDGET_MEDIAN_MS:.0f} ms")
    if result.p95_ms > BUDGET_P95_MS:
        reasons.append(f"p95 {result.p95_ms:.1f} ms > {BUDGET_P95_MS:.0f} ms")
    if result.statements_max > BUDGET_STATEMENTS:
        reasons.append(f"{result.statements_max} statements > {BUDGET_STATEMENTS}")
    return "; ".join(reasons)


if __name__ == "__main__":
    sys.exit(main())
