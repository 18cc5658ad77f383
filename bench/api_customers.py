"""The customer list kept from a CRM through the API: batches of 1,000 to /api/v1/customers/upsert.

    .venv/bin/python bench/api_customers.py                          # SQLite (a temporary file)
    .venv/bin/python bench/api_customers.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/api_customers.py --rows 5000 --runs 1      # smoke run

The rows are the CSV bench's CRM export (bench/_customers_data.py: websites in every form,
some companies twice), sent as JSON batches of CUSTOMER_BATCH_MAX through the Flask test client
with a staff token: the whole request (authentication, schema validation, the upload's rules
per row, one upsert statement, the audit entries, the commit). Three passes on a fresh
database: into the empty list (`first`), the same batches again (`again`: all unchanged), and
every name changed (`rename`). Printed per pass: the median and the slowest batch in ms, and
the pass's total in seconds, each the median over the runs. No budget is set by an issue; the
figure to watch is a batch well under a second, so a CRM's nightly sync of 100,000 customers
takes minutes at most.
"""

from __future__ import annotations

import argparse
import csv
import io
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

from bench._customers_data import customer_csv  # noqa: E402
from bench._database import BenchDatabase, create_database  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

PASSES = ("first", "again", "rename")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="also run on this PostgreSQL server (a throwaway database is created and dropped)",
    )
    parser.add_argument("--rows", type=int, default=20_000, help="customers sent per pass")
    parser.add_argument("--runs", type=int, default=3, help="fresh databases to time (median)")
    parser.add_argument("--seed", type=int, default=20240917, help="random seed")
    return parser.parse_args(argv)


def batches(rows: int, seed: int, size: int) -> list[list[dict[str, str]]]:
    """The CSV bench's rows as JSON batches of `size`."""
    reader = csv.DictReader(io.StringIO(customer_csv(rows, seed).text))
    found = [{"domain": line["website"], "name": line["name"]} for line in reader]
    return [found[start : start + size] for start in range(0, len(found), size)]


def run_once(database: BenchDatabase, args: argparse.Namespace) -> dict[str, list[float]]:
    """Seconds per batch of each pass, on a fresh database."""
    from portal import create_app
    from portal.accounts.models import Role, User
    from portal.api.tokens import create_token
    from portal.extensions import db
    from portal.referrals.api import CUSTOMER_BATCH_MAX

    app = create_app(
        {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database.url,
            "CONTENT_DIR": str(ROOT / "tests" / "fixtures" / "content"),
            "CONTENT_AUTO_RELOAD": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "log",
        }
    )
    sent = batches(args.rows, args.seed, CUSTOMER_BATCH_MAX)
    renamed = [[{**row, "name": row["name"] + " Group"} for row in batch] for batch in sent]
    timings: dict[str, list[float]] = {name: [] for name in PASSES}
    with app.app_context():
        db.create_all()
        admin = User(email="bench-admin@vendor.example", name="Bench Admin", role=Role.ADMIN)
        admin.set_password("bench-admin-password")
        db.session.add(admin)
        db.session.commit()
        secret = create_token(admin, "bench", ["customers:write"], 30).secret
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        for name, pass_batches in zip(PASSES, (sent, sent, renamed), strict=True):
            for batch in pass_batches:
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/customers/upsert", json={"customers": batch}, headers=headers
                )
                timings[name].append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(
                        f"{name}: {response.status_code} {response.get_data()[:300]!r}"
                    )
    return timings


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    workdir = Path(tempfile.mkdtemp(prefix="flywheel-bench-api-customers-"))
    print(machine_reference(), flush=True)
    servers = {"SQLite": None} | ({"PostgreSQL": args.database_url} if args.database_url else {})
    try:
        for label, server_url in servers.items():
            runs = []
            for run in range(1, args.runs + 1):
                database = create_database(server_url, workdir, f"api-customers-{run}")
                try:
                    runs.append(run_once(database, args))
                finally:
                    database.drop()
            print(f"\n{label}: {args.rows:,} customers per pass, median of {args.runs} runs")
            print("| pass | batches | median batch ms | slowest batch ms | pass total s |")
            print("| --- | --- | --- | --- | --- |")
            for name in PASSES:
                median = statistics.median(statistics.median(r[name]) for r in runs) * 1000
                slowest = statistics.median(max(r[name]) for r in runs) * 1000
                total = statistics.median(sum(r[name]) for r in runs)
                count = len(runs[0][name])
                print(f"| {name} | {count} | {median:.0f} | {slowest:.0f} | {total:.1f} |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(machine_reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
