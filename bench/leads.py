"""Lead routing benchmark: route N leads over M partners with the demo program's rules.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/leads.py               # 100,000 leads, 5,000 partners
    .venv/bin/python bench/leads.py --leads 5000 --partners 500  # quick run on SQLite

Seeds a fresh database (PostgreSQL when BENCH_DATABASE_URL is set, else a SQLite file) with
`--partners` active organisations (types referral/reseller/alliance, tiers, the program's
five regions, two of the six industries each, one partner admin each) and `--leads` new
leads spread over the mapped countries and the industries, by bulk insert. Then routes every
lead through `portal.leads.service.route_lead` exactly as a request would: channel-conflict
check, eligibility query, round-robin choice, the cap slot's conditional UPDATE, the offer,
the audit entry and the admin's e-mail rendered into the outbox; one transaction per lead.
The rules are content/program.yml's `leads.routing` with two changes so that the run is
about routing, not about caps or certificates: the cap is raised to `--cap` (default 50 a
month: 5,000 partners x 50 > the eligible share of 100,000 leads) and the certification
requirement is dropped (the bench seeds no certificates). Budget: >= 500 leads/s on
PostgreSQL. Prints a table, then drops the database.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._database import BulkWriter, analyze, create_database  # noqa: E402

BUDGET_PER_SECOND = 500
TYPES = ("referral", "reseller", "alliance")
TIERS = ("registered", "silver", "gold")


def _seed(engine, program, partners: int, leads: int) -> None:
    from portal.db_types import utcnow

    now = utcnow()
    regions = program.regions
    industries = program.leads.industries
    countries = [code for code, _region in program.leads.country_regions]
    writer = BulkWriter(engine)
    writer.write(
        "organizations",
        ("id", "name", "partner_type", "tier", "status", "website", "region", "created_at"),
        [(i, f"Partner {i}", TYPES[i % 3], TIERS[i % 3 if i % 7 else 0], "active", "",
          regions[i % len(regions)], writer.ts(now)) for i in range(1, partners + 1)],
    )  # fmt: skip
    writer.write(
        "lead_industries",
        ("organization_id", "industry"),
        [(i, industries[(i + k) % len(industries)]) for i in range(1, partners + 1)
         for k in (0, 1)],
    )  # fmt: skip
    writer.write(
        "users",
        ("id", "email", "name", "job_title", "password_hash", "role", "organization_id",
         "active", "session_token", "created_at"),
        [(i, f"admin{i}@partner{i}.example", f"Admin {i}", "", None, "partner_admin", i, True,
          f"token-{i:08d}", writer.ts(now)) for i in range(1, partners + 1)],
    )  # fmt: skip
    for start in range(1, leads + 1, 20_000):
        writer.write(
            "leads",
            ("id", "company", "website", "contact_name", "contact_email", "contact_phone",
             "country", "region", "industry", "size", "need", "source", "status",
             "conflict_reason", "routing_reason", "lost_reason", "status_changed_at",
             "created_at"),
            [(n, f"Company {n}", "", f"Contact {n}", f"c{n}@company{n}.example", "",
              countries[n % len(countries)], program.leads.region_of(countries[n % len(countries)]),
              industries[n % len(industries)], "", "", "import", "new", "", "", "",
              writer.ts(now), writer.ts(now))
             for n in range(start, min(start + 20_000, leads + 1))],
        )  # fmt: skip
    writer.finish(("organizations", "users", "leads"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--cap", type=int, default=50)
    args = parser.parse_args()

    import sqlalchemy as sa

    from portal import create_app
    from portal.content import load_content
    from portal.extensions import db
    from portal.leads.models import Lead, LeadStatus
    from portal.leads.service import route_lead

    content = load_content(ROOT / "content")
    base = content.program
    routing = dataclasses.replace(base.leads.routing, cap=args.cap, certification="")
    program = dataclasses.replace(base, leads=dataclasses.replace(base.leads, routing=routing))
    workdir = Path(tempfile.mkdtemp(prefix="bench-leads-"))
    database = create_database(os.environ.get("BENCH_DATABASE_URL"), workdir, "leads")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "bench",
                          "CONTENT_DIR": str(ROOT / "content"), "MAIL_BACKEND": "log",
                          "BASE_URL": "http://portal.bench"})  # fmt: skip
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            _seed(db.engine, program, args.partners, args.leads)
            analyze(db.engine)
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            for lead_id in range(1, args.leads + 1):
                lead = db.session.get(Lead, lead_id)
                assert lead is not None
                route_lead(lead, program, lead.created_at)
                db.session.commit()
                db.session.expunge_all()
            elapsed = time.perf_counter() - started
            rows = db.session.execute(sa.select(Lead.status, sa.func.count()).group_by(Lead.status))
            counts = {row[0]: row[1] for row in rows}
        rate = args.leads / elapsed
        verdict = "ok" if rate >= BUDGET_PER_SECOND or database.dialect == "sqlite" else "FAIL"
        print(f"load average {os.getloadavg()[0]:.2f}; {database.describe()}")
        print(f"{'database':<11}{'leads':>9}{'partners':>10}{'seed s':>8}{'route s':>9}"
              f"{'leads/s':>9}{'offered':>9}{'unrouted':>10}  budget")  # fmt: skip
        print(f"{database.dialect:<11}{args.leads:>9,}{args.partners:>10,}{seeded:>8.1f}"
              f"{elapsed:>9.1f}{rate:>9.0f}{counts.get(LeadStatus.OFFERED, 0):>9,}"
              f"{counts.get(LeadStatus.UNROUTED, 0):>10,}"
              f"  >= {BUDGET_PER_SECOND}/s {verdict}")  # fmt: skip
    finally:
        database.drop()


if __name__ == "__main__":
    main()
