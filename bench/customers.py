"""Customer-list import benchmark: a 100,000-line CRM export, on SQLite and on PostgreSQL.

    .venv/bin/python bench/customers.py                        # SQLite only (a temporary file)
    .venv/bin/python bench/customers.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres make bench-customers
    .venv/bin/python bench/customers.py --rows 20000 --runs 1   # smoke run

With a PostgreSQL URL (`--database-url`, else $BENCH_DATABASE_URL) it runs on SQLite and then
on PostgreSQL; without one, on SQLite only. The URL's own database is never touched: each run
creates `flywheel_bench_<random>` on that server and drops it.

Budget (hardening issue, section 6): 100,000 lines imported in <= 5 s, through
`import_customers_csv`, the function the upload page calls. Each run gets a fresh database and
times three imports of the same file: into the empty list (`first`), again with every company
already listed (`again`), and through the page itself on an emptied list (`page`: the whole
POST with the test client, multipart parsing, UTF-8 decoding and the commit included). Printed:
`parse` (reading and checking every line), `write` (the bulk insert), `commit` and `total`
per import, and `cpu` (this process's CPU time, which a busy machine inflates less than the
wall-clock), the median over the runs. The exit code is 1 when a median total is over the
budget or an import gives the wrong counts, 0 otherwise.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from bench._customers_data import CustomerFile, customer_csv  # noqa: E402
from bench._database import BenchDatabase, create_database  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

BUDGET_S = 5.0
FILENAME = "customers.csv"
IMPORTS = ("first", "again", "page")


@dataclass
class Timing:
    """Seconds per phase of one import; `page` has only a total."""

    parse: float = 0.0
    write: float = 0.0
    commit: float = 0.0
    total: float = 0.0
    cpu: float = 0.0  # this process's CPU time during the import (not the database server's)


@dataclass
class Measured:
    runs: dict[str, list[Timing]] = field(default_factory=lambda: {name: [] for name in IMPORTS})
    errors: list[str] = field(default_factory=list)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="also run on this PostgreSQL server (default: $BENCH_DATABASE_URL; without "
        "either, SQLite only); a throwaway database flywheel_bench_<random> is created there "
        "for each run and dropped at the end",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="lines in the file")
    parser.add_argument("--runs", type=int, default=3, help="fresh databases to time (median)")
    parser.add_argument("--seed", type=int, default=20240917, help="random seed")
    parser.add_argument("--workdir", type=Path, help="where the SQLite file goes")
    parser.add_argument("--keep", action="store_true", help="keep the workdir and databases")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print its report; 1 when the budget is missed or counts are wrong."""
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-customers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(machine_reference(), flush=True)
    started = time.perf_counter()
    data = customer_csv(args.rows, args.seed)
    size = len(data.text.encode())
    print(
        f"file: {data.rows:,} lines, {data.unique_domains:,} companies, {size / 2**20:.1f} MB "
        f"(generated in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    servers = {"SQLite": None} | ({"PostgreSQL": args.database_url} if args.database_url else {})
    measured = {name: Measured() for name in servers}
    try:
        for name, server_url in servers.items():
            for run in range(1, args.runs + 1):
                database = create_database(server_url, workdir, f"customers-{run}")
                try:
                    run_once(database, data, measured[name], run)
                finally:
                    if args.keep:
                        print(f"kept {database.describe()}")
                    else:
                        database.drop()
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    verdicts = {name: report(measured[name], data, name) for name in servers}  # print each
    passed = all(verdicts.values())
    print("")
    print(f"OVERALL: {'PASS' if passed else 'FAIL (see the rows marked FAIL)'}")
    print(machine_reference())
    return 0 if passed else 1


def run_once(database: BenchDatabase, data: CustomerFile, measured: Measured, run: int) -> None:
    """On a fresh database: import into the empty list, import again, then through the page."""
    import sqlalchemy as sa

    from portal import create_app
    from portal.accounts.models import Role, User
    from portal.extensions import db
    from portal.referrals.api import import_customers_csv
    from portal.referrals.models import Customer

    app = create_app(
        {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database.url,
            "CONTENT_DIR": str(ROOT / "tests" / "fixtures" / "content"),
            "CONTENT_AUTO_RELOAD": False,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "log",
        }
    )
    print(f"[run {run}] {database.describe()}", flush=True)
    with app.app_context():
        db.create_all()
        staff = User(email="bench-staff@vendor.example", name="Bench Staff", role=Role.STAFF)
        staff.set_password("bench-staff-password")  # only users with a password may sign in
        db.session.add(staff)
        db.session.commit()
        session_token = staff.session_token
        for name, expected_added in (("first", data.unique_domains), ("again", 0)):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = import_customers_csv(data.text, FILENAME, staff)
            before_commit = time.perf_counter()
            db.session.commit()
            finished = time.perf_counter()
            timing = Timing(
                parse=result.parse_seconds,
                write=result.write_seconds,
                commit=finished - before_commit,
                total=finished - started,
                cpu=time.process_time() - cpu_started,
            )
            measured.runs[name].append(timing)
            print(f"[run {run}]   {name:<5}  {_row(timing)}", flush=True)
            if result.problems or result.added != expected_added:
                measured.errors.append(
                    f"run {run}, {name}: added {result.added}, expected {expected_added}; "
                    f"problems: {result.problems[:3]}"
                )
        # TRUNCATE on PostgreSQL: after a DELETE, the dead rows would slow the next import down.
        empty = (
            "TRUNCATE customers" if database.dialect == "postgresql" else "DELETE FROM customers"
        )
        db.session.execute(sa.text(empty))
        db.session.commit()
    page = _through_the_page(app, session_token, data.text.encode())
    measured.runs["page"].append(page)
    print(f"[run {run}]   page   {_row(page)}", flush=True)
    with app.app_context():
        listed = db.session.scalar(sa.select(sa.func.count()).select_from(Customer))
        if listed != data.unique_domains:
            measured.errors.append(
                f"run {run}, page: {listed} listed, {data.unique_domains} expected"
            )
        db.session.remove()
        db.engine.dispose()


def _through_the_page(app: Flask, session_token: str, body: bytes) -> Timing:
    """POST the file to the upload page as a signed-in member of staff; the whole request."""
    from flask_login.utils import _create_identifier

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = session_token
        session["_fresh"] = True
        session["_id"] = identifier
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.post(
        "/inbox/customers/upload",
        data={"file": (io.BytesIO(body), FILENAME)},
        content_type="multipart/form-data",
    )
    timing = Timing(total=time.perf_counter() - started, cpu=time.process_time() - cpu_started)
    response.request.environ["wsgi.input"].close()
    if response.status_code != 302:
        raise SystemExit(f"the upload page answered {response.status_code}, not a redirect")
    return timing


def _row(timing: Timing) -> str:
    total = f"total {timing.total:5.2f} s  (cpu {timing.cpu:5.2f} s)"
    if not timing.parse:
        return total
    return (
        f"parse {timing.parse:5.2f} s  write {timing.write:5.2f} s  "
        f"commit {timing.commit:5.2f} s  {total}"
    )


def report(measured: Measured, data: CustomerFile, database: str) -> bool:
    """Print the medians and the verdict; True when every import met the budget."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print("")
    print(
        f"Customer import, {data.rows:,} lines on {database}: median of "
        f"{len(measured.runs['first'])} runs (budget: total <= {BUDGET_S:.0f} s; "
        f"load average {load} on {os.cpu_count()} CPUs)"
    )
    header = (
        f"{'import':<8} {'parse s':>8} {'write s':>8} {'commit s':>9} {'total s':>8} "
        f"{'cpu s':>6}  result"
    )
    print(header)
    print("-" * len(header))
    passed = not measured.errors
    for name in IMPORTS:
        timings = measured.runs[name]
        if not timings:
            continue
        median = {
            phase: statistics.median(getattr(t, phase) for t in timings)
            for phase in ("parse", "write", "commit", "total", "cpu")
        }
        ok = median["total"] <= BUDGET_S
        passed &= ok
        phases = "".join(
            f" {median[phase]:>{width}.2f}" if name != "page" else f" {'-':>{width}}"
            for phase, width in (("parse", 8), ("write", 8), ("commit", 9))
        )
        print(
            f"{name:<8}{phases} {median['total']:>8.2f} {median['cpu']:>6.2f}  "
            f"{'PASS' if ok else 'FAIL'}"
        )
    for error in measured.errors:
        print(f"error: {error}")
    return passed


if __name__ == "__main__":
    sys.exit(main())
