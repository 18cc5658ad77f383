"""Lead routing benchmark: route N leads over M partners with the program's routing rules.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/leads.py               # 100,000 leads, 5,000 partners
    .venv/bin/python bench/leads.py --leads 5000 --partners 500  # quick run on SQLite

Seeds a fresh database (PostgreSQL when BENCH_DATABASE_URL is set, else a SQLite file) with
`--partners` active organisations, their industries, admins and certifications, and
`--leads` new leads (bench/_leads_seed.py), by bulk insert. Then routes every lead through
`portal.leads.service.route_lead` exactly as a request or the import job does:
channel-conflict check, the one eligibility query, round-robin choice, the cap slot's
conditional upsert, the offer, the audit entry and the admins' e-mail rendered into the
outbox; one transaction per lead.

The rules are content/program.yml's `leads.routing` (reseller and alliance partners, region,
industry, certified in co-selling-essentials, round-robin) with one change so the run is
about routing rather than about full caps: the cap is `--cap` (default 50 a month; the
program's 5 would leave most of 100,000 leads unrouted after the first 25,000).

`--workers N` (default 4) routes with N processes, each with its own app and database
connection, taking every N-th lead: the deployment this measures is a gunicorn/job-runner
host with 2 workers per core on the 2-core machine, all routing at once against one
PostgreSQL, racing for the same partners' cap rows as real imports and directory contacts
do. `--workers 1` measures one process alone. Besides wall-clock leads/s (the budgeted
figure, >= 500/s on PostgreSQL), it prints the CPU each lead costs in the workers and in
their PostgreSQL backends (read from /proc), which does not depend on how busy the shared
machine is, and the statements per lead. Prints a table, then drops the database.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._database import analyze, create_database  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

BUDGET_PER_SECOND = 500


def _program(cap: int) -> Any:
    from portal.content import load_content

    base = load_content(ROOT / "content").program
    routing = dataclasses.replace(base.leads.routing, cap=cap)
    return dataclasses.replace(base, leads=dataclasses.replace(base.leads, routing=routing))


def _app(url: str) -> Any:
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "CONTENT_DIR": str(ROOT / "content"), "MAIL_BACKEND": "log",
                       "BASE_URL": "http://portal.bench"})  # fmt: skip


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds a local PostgreSQL backend has used (0 when /proc does not show it)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def route_share(url: str, cap: int, first: int, last: int, step: int, start_at: float) -> dict:
    """Route leads first, first + step, ... up to last in this process; its own figures."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.leads.models import Lead
    from portal.leads.service import route_lead

    program = _program(cap)
    app = _app(url)
    statements = 0
    with app.app_context():

        def count(*_args: Any) -> None:
            nonlocal statements
            statements += 1

        backend = None
        if db.engine.dialect.name == "postgresql":
            backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            db.session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        while time.time() < start_at:  # every worker starts together
            time.sleep(0.01)
        cpu, backend_cpu = time.process_time(), _backend_cpu(backend)
        began = time.time()
        started = time.perf_counter()
        routed = 0
        for lead_id in range(first, last + 1, step):
            lead = db.session.get(Lead, lead_id)
            assert lead is not None
            route_lead(lead, program, lead.created_at)
            db.session.commit()
            db.session.expunge_all()
            routed += 1
        elapsed = time.perf_counter() - started
        return {"routed": routed, "began": began, "elapsed": elapsed,
                "ended": time.time(), "cpu": time.process_time() - cpu,
                "backend_cpu": _backend_cpu(backend) - backend_cpu,
                "statements": statements}  # fmt: skip


def _route_all(url: str, args: argparse.Namespace) -> tuple[float, list[dict]]:
    start_at = time.time() + 3 + args.workers  # time for each process to start its app
    jobs = [(url, args.cap, 1 + k, args.leads, args.workers, start_at) for k in range(args.workers)]
    if args.workers == 1:
        results = [route_share(*jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            results = pool.starmap(route_share, jobs)
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    return wall, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--cap", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    import sqlalchemy as sa

    from bench._leads_seed import seed
    from portal.extensions import db
    from portal.leads.models import Lead, LeadStatus

    print(machine_reference(), flush=True)
    program = _program(args.cap)
    workdir = Path(tempfile.mkdtemp(prefix="bench-leads-"))
    database = create_database(os.environ.get("BENCH_DATABASE_URL"), workdir, "leads")
    try:
        app = _app(database.url)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed(db.engine, program, args.partners, args.leads,
                 program.leads.routing.certification)  # fmt: skip
            analyze(db.engine)
            seeded = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
        load_before = os.getloadavg()
        wall, results = _route_all(database.url, args)
        load_after = os.getloadavg()
        with app.app_context():
            rows = db.session.execute(sa.select(Lead.status, sa.func.count()).group_by(Lead.status))
            counts = {row[0]: row[1] for row in rows}
            db.session.remove()
            db.engine.dispose()
        routed = sum(r["routed"] for r in results)
        rate = routed / wall
        per_lead = {key: sum(r[key] for r in results) / routed
                    for key in ("cpu", "backend_cpu", "statements")}  # fmt: skip
        verdict = "ok" if rate >= BUDGET_PER_SECOND or database.dialect == "sqlite" else "FAIL"
        print(f"load average (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} "
              f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
              f"{load_after[2]:.2f}; {os.cpu_count()} cores; {database.describe()}")  # fmt: skip
        print(f"{'database':<11}{'leads':>9}{'partners':>10}{'workers':>8}{'seed s':>8}"
              f"{'route s':>9}{'leads/s':>9}{'py ms/lead':>11}{'pg ms/lead':>11}"
              f"{'stmts/lead':>11}{'offered':>9}{'unrouted':>10}  budget")  # fmt: skip
        print(f"{database.dialect:<11}{routed:>9,}{args.partners:>10,}{args.workers:>8}"
              f"{seeded:>8.1f}{wall:>9.1f}{rate:>9.0f}{per_lead['cpu'] * 1000:>11.2f}"
              f"{per_lead['backend_cpu'] * 1000:>11.2f}{per_lead['statements']:>11.1f}"
              f"{counts.get(LeadStatus.OFFERED, 0):>9,}{counts.get(LeadStatus.UNROUTED, 0):>10,}"
              f"  >= {BUDGET_PER_SECOND}/s {verdict}")  # fmt: skip
        for index, result in enumerate(results):
            print(f"  worker {index + 1}: {result['routed']:,} leads in {result['elapsed']:.1f} s, "
                  f"{result['routed'] / result['elapsed']:.0f}/s")  # fmt: skip
        print(machine_reference())
    finally:
        database.drop()


if __name__ == "__main__":
    main()
