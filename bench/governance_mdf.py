"""MDF benchmark: the staff queue and the partner's earnings page at 50,000 requests.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/governance_mdf.py          # PostgreSQL (the budget)
    .venv/bin/python bench/governance_mdf.py                          # SQLite, for comparison
    .venv/bin/python bench/governance_mdf.py --requests-total 5000 --orgs 500   # quick run

Seeds `--orgs` organisations (default 5,000; tiers silver and gold) with a partner admin each,
and `--requests-total` MDF requests (default 50,000) over eight quarters in every state, with
their allocations and, for the claimed ones, claims. Organisation 1 is the large one, holding
`--large` of the requests (default 1,000) with 200 of them still in progress; the others share
the rest. The run is repeated at a tenth of the size first (`--compare-small`) to show that the
statement count per page does not grow with the data.

Measured through the Flask test client: the staff queue's first page (`/staff/mdf`, what waits
for a decision, oldest first), the queue of every request (`?status=all`, newest first), the
large organisation's admin on `/earnings` (its commissions and the MDF section: balance and
requests in progress) and on `/mdf`. Budget (issue 17 section 6): the staff queue's first page
and the earnings page p95 <= 50 ms on PostgreSQL, with the same statement count at both sizes.
Rows go in through COPY on PostgreSQL (executemany on SQLite) into a fresh database
`flywheel_bench_<random>`, dropped at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._measure import PageResult  # noqa: E402
from bench._seed import ORG_COLUMNS, USER_COLUMNS, _names  # noqa: E402

BUDGET_P95_MS = 50.0
BUDGETED = frozenset({"staff queue, first page", "partner earnings"})
QUARTERS = 8
STATUSES = ("requested", "approved", "rejected", "claimed", "claim_approved", "paid", "expired")
STATUS_WEIGHTS = (8, 10, 8, 6, 4, 56, 8)
ALLOCATION = {"silver": 1_000_000, "gold": 2_500_000}

ALLOCATION_COLUMNS = _names(
    "id organization_id period tier currency allocated_minor committed_minor paid_minor created_at"
)
REQUEST_COLUMNS = _names(
    "id organization_id allocation_id requested_by_id activity_type activity_date title "
    "description expected_results expected_attendees expected_meetings currency "
    "requested_minor approved_minor payable_minor held_minor status claim_due_on created_at "
    "decided_at decided_by_id decision_note paid_at paid_by_id payout_reference"
)
CLAIM_COLUMNS = _names(
    "id request_id organization_id submitted_by_id actual_cost_minor attendees meetings "
    "results status submitted_at decided_at decided_by_id decision_note"
)


@dataclass
class Scale:
    orgs: int
    requests: int
    large: int


@dataclass
class Seeded:
    staff_token: str
    large_admin_token: str
    rows: int
    seconds: float


@dataclass
class Result(PageResult):
    """bench/_measure.py's timings and counts, and the time inside the driver."""

    sql_ms: list[float] = field(default_factory=list)

    @property
    def sql_median_ms(self) -> float:
        """Time inside the driver's execute calls: the queries, without the rendering."""
        return statistics.median(self.sql_ms) if self.sql_ms else math.nan


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--requests-total", type=int, default=50_000)
    parser.add_argument("--large", type=int, default=1_000)
    parser.add_argument("--compare-small", type=int, default=10, metavar="DIVISOR")
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261207)
    return parser.parse_args(argv)


def _period(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def seed(engine: sa.Engine, scale: Scale, rng: random.Random) -> Seeded:
    """Organisations, their admins, staff, allocations, requests and claims, in bulk."""
    started = time.perf_counter()
    writer = BulkWriter(engine)
    ts = writer.ts
    now = datetime.now().astimezone().replace(tzinfo=None)
    today = now.date()
    tiers = [
        "gold" if org_id == 1 or org_id % 4 == 0 else "silver" for org_id in range(scale.orgs + 1)
    ]
    writer.write(
        "organizations",
        ORG_COLUMNS,
        [
            (org_id, f"Bench Partner {org_id}", "reseller", tiers[org_id], "active",
             f"https://org{org_id}.bench.example", ts(now - timedelta(days=800)), ts(now))
            for org_id in range(1, scale.orgs + 1)
        ],
    )  # fmt: skip
    password_hash = generate_password_hash("bench-password-2026")
    tokens = {user_id: f"{rng.getrandbits(192):048x}" for user_id in range(1, scale.orgs + 2)}
    users: list[tuple[object, ...]] = [
        (org_id, f"admin{org_id}@org{org_id}.bench.example", f"Admin {org_id}", "Partner",
         password_hash, "partner_admin", org_id, True, tokens[org_id], ts(now), None)
        for org_id in range(1, scale.orgs + 1)
    ]  # fmt: skip
    staff_id = scale.orgs + 1
    users.append(
        (staff_id, "staff@vendor.bench.example", "Sam Staff", "Partner manager", password_hash,
         "staff", None, True, tokens[staff_id], ts(now), None)
    )  # fmt: skip
    writer.write("users", USER_COLUMNS, users)

    # Which organisation each request belongs to (organisation 1 holds `large`), and when it
    # was asked: ids follow time, as they do in use, so a partner's requests are spread out.
    owners = [1] * scale.large + [
        2 + n % max(1, scale.orgs - 1) for n in range(scale.requests - scale.large)
    ]
    asked_at = sorted(
        ((now - timedelta(days=rng.uniform(0, 91 * QUARTERS - 1)), org_id) for org_id in owners),
        key=lambda pair: pair[0],
    )
    large_seen = 0
    allocations: dict[tuple[int, str], list] = {}
    requests, claims = [], []
    claim_id = 0
    for request_id, (asked, org_id) in enumerate(asked_at, start=1):
        if org_id == 1:
            large_seen += 1
        # The large organisation's 200 newest requests are still in progress.
        in_progress = org_id == 1 and large_seen > scale.large - 200
        status = (
            rng.choice(("requested", "approved", "claimed", "claim_approved"))
            if in_progress
            else rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        )
        if org_id == 1 and not in_progress and status in STATUSES[:5]:
            status = "paid"  # only the 200 above are still moving for the large organisation
        activity = asked.date() + timedelta(days=rng.randint(-10, 40))
        period = _period(asked.date())
        key = (org_id, period)
        if key not in allocations:
            allocations[key] = [len(allocations) + 1, org_id, period, tiers[org_id], "USD",
                                ALLOCATION[tiers[org_id]], 0, 0, ts(asked)]  # fmt: skip
        allocation = allocations[key]
        amount = rng.choice((5_000, 10_000, 20_000, 50_000))
        approved = None if status in ("requested", "rejected") else amount
        payable = amount // 2 if status in ("claim_approved", "paid") else None
        held = {"rejected": 0, "expired": 0}.get(status, payable if payable else amount)
        if allocation[6] + held > allocation[5]:
            status, approved, payable, held = "rejected", None, None, 0
        allocation[6] += held
        if status == "paid":
            allocation[7] += held
        decided = None if status == "requested" else ts(asked + timedelta(days=2))
        requests.append(
            (request_id, org_id, allocation[0], org_id, "event", activity,
             f"Activity {request_id}", "A co-marketing activity.", "", 20, 4, "USD", amount,
             approved, payable, held, status, activity + timedelta(days=60), ts(asked), decided,
             staff_id if decided else None, "", ts(asked + timedelta(days=30)) if status == "paid"
             else None, staff_id if status == "paid" else None,
             f"PAY-{request_id}" if status == "paid" else "")
        )  # fmt: skip
        if status in ("claimed", "claim_approved", "paid"):
            claim_id += 1
            claim_status = "submitted" if status == "claimed" else "approved"
            claims.append(
                (claim_id, request_id, org_id, org_id, amount, 20, 4, "", claim_status,
                 ts(asked + timedelta(days=20)), None if status == "claimed"
                 else ts(asked + timedelta(days=22)), None if status == "claimed" else staff_id, "")
            )  # fmt: skip
    writer.write("mdf_allocations", ALLOCATION_COLUMNS, [tuple(a) for a in allocations.values()])
    writer.write("mdf_requests", REQUEST_COLUMNS, requests)
    writer.write("mdf_claims", CLAIM_COLUMNS, claims)
    writer.finish(("organizations", "users", "mdf_allocations", "mdf_requests", "mdf_claims"))
    analyze(engine)
    del today
    return Seeded(
        staff_token=tokens[staff_id],
        large_admin_token=tokens[1],
        rows=writer.rows_written,
        seconds=time.perf_counter() - started,
    )


def measure(app: Flask, seeded: Seeded, requests: int, warmup: int) -> list[Result]:
    """Each page `warmup` + `requests` times, with its statement count."""
    from portal.extensions import db

    client = app.test_client()
    count = [0]
    sql = [0.0, 0.0]  # seconds inside execute, start of the current one
    with app.app_context():
        engine = db.engine

    def counted(*_args: object) -> None:
        count[0] += 1
        sql[1] = time.perf_counter()

    def executed(*_args: object) -> None:
        sql[0] += time.perf_counter() - sql[1]

    sa.event.listen(engine, "before_cursor_execute", counted)
    sa.event.listen(engine, "after_cursor_execute", executed)
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()

    def sign_in(token: str) -> None:
        with client.session_transaction() as session:
            session.clear()
            session.update({"_user_id": token, "_fresh": True, "_id": identifier})

    pages = (
        ("staff queue, first page", "/staff/mdf", seeded.staff_token),
        ("staff queue, every status", "/staff/mdf?status=all", seeded.staff_token),
        ("staff budget per tier", "/staff/mdf/budget", seeded.staff_token),
        ("partner earnings", "/earnings", seeded.large_admin_token),
        ("partner MDF page", "/mdf", seeded.large_admin_token),
    )
    results = []
    try:
        for name, url, token in pages:
            sign_in(token)
            result = Result(name, url)
            for number in range(warmup + requests):
                count[0] = 0
                sql[0] = 0.0
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
                    result.sql_ms.append(sql[0] * 1000)
                    result.statements.append(count[0])
            results.append(result)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counted)
        sa.event.remove(engine, "after_cursor_execute", executed)
    return results


def run(
    args: argparse.Namespace, scale: Scale, workdir: Path
) -> tuple[BenchDatabase, list[Result], Seeded]:
    from portal import create_app
    from portal.extensions import db

    database = create_database(args.database_url, workdir, f"mdf-{scale.requests}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database.url,
            "SECRET_KEY": "bench-secret",
            "CONTENT_DIR": str(ROOT / "content"),
            "CONTENT_AUTO_RELOAD": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "log",
        }
    )
    try:
        with app.app_context():
            db.create_all()
            engine = db.engine
        seeded = seed(engine, scale, random.Random(args.seed))
        results = measure(app, seeded, args.requests, args.warmup)
    finally:
        with app.app_context():
            db.engine.dispose()
        database.drop()
    return database, results, seeded


def print_table(rows: list[tuple[Scale, Seeded, list[Result]]], dialect: str) -> bool:
    """The table; True when every budgeted page passed."""
    ok = True
    print()
    print(f"MDF pages on {dialect} (p95 budget {BUDGET_P95_MS:.0f} ms on PostgreSQL)")
    header = (
        f"{'page':28} {'requests':>9} {'orgs':>6} {'median ms':>10} {'p95 ms':>8} "
        f"{'cpu med':>8} {'sql med':>8} {'stmts':>6}  result"
    )
    print(header)
    print("-" * len(header))
    small_counts: dict[str, int] = {}
    for scale, _seeded, results in rows:
        for result in results:
            flat = small_counts.setdefault(result.page, result.statements_max)
            verdict = "info"
            if result.error:
                verdict, ok = f"ERROR {result.error}", False
            elif result.page in BUDGETED:
                passed = result.p95_ms <= BUDGET_P95_MS and result.statements_max == flat
                verdict = "ok" if passed else "FAIL"
                ok = ok and passed
            print(
                f"{result.page:28} {scale.requests:>9,} {scale.orgs:>6,} "
                f"{result.median_ms:>10.1f} {result.p95_ms:>8.1f} {result.cpu_median_ms:>8.1f} "
                f"{result.sql_median_ms:>8.1f} "
                f"{result.statements_max:>6}  {verdict}"
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    scales = []
    if args.compare_small:
        d = args.compare_small
        scales.append(
            Scale(max(2, args.orgs // d), max(args.large, args.requests_total // d), args.large)
        )
    scales.append(Scale(args.orgs, args.requests_total, args.large))
    rows = []
    dialect = "PostgreSQL" if args.database_url else "SQLite"
    with tempfile.TemporaryDirectory(prefix="bench-mdf-") as tmp:
        for scale in scales:
            _database, results, seeded = run(args, scale, Path(tmp))
            print(
                f"seeded {seeded.rows:,} rows ({scale.requests:,} requests, {scale.orgs:,} "
                f"organisations) in {seeded.seconds:.1f} s"
            )
            rows.append((scale, seeded, results))
    ok = print_table(rows, dialect)
    print("\nall budgets met" if ok else "\nsome budgets FAILED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
