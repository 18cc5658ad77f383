"""Tier evaluation benchmark: `flask tiers evaluate` over a program-sized database.

    .venv/bin/python bench/tiers.py                     # 5,000 orgs, 1,000,000 referrals, SQLite
    .venv/bin/python bench/tiers.py --referrals 100000  # quicker
    .venv/bin/python bench/tiers.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Seeds the referral benchmark's world (bench/_referrals_seed.py: organisations with a partner
admin and a partner user, referrals with their timelines, won deals) plus certificates, accepted
agreements and attested facts, then runs the evaluation against content/program.yml twice:
day one (every organisation gets its status row; grace periods and reviews open) and day two
(the steady state). Budget (issue 12, section 4): 5,000 organisations in <= 60 s on
PostgreSQL, and the same number of SQL statements per batch whatever the data volume.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._referrals_seed import ReferralScale, seed_referrals  # noqa: E402
from bench._referrals_tables import check_columns  # noqa: E402

CONTENT_DIR = ROOT / "content"
BUDGET_SECONDS = 60.0
PATHS = ("referral-foundations", "co-selling-essentials")
FACTS = ("qbr-attended", "joint-business-plan-reviewed", "csat-8-or-better")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="where the SQLite file goes")
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a throwaway database)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--orgs", type=int, default=5_000, help="organisations (default 5,000)")
    parser.add_argument("--referrals", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument("--seed", type=int, default=20261207, help="random seed")
    return parser.parse_args(argv)


def seed_standing(engine: sa.Engine, orgs: int, seed: int) -> dict[str, int]:
    """Certificates for most partner people, accepted agreements, a few attested facts."""
    rng = random.Random(seed)
    writer = BulkWriter(engine)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ts = writer.ts
    certs, steps, facts = [], [], []
    for org_id in range(1, orgs + 1):
        admin, colleague = 2 * org_id - 1, 2 * org_id  # the seeder's two people per org
        if rng.random() < 0.9:
            steps.append((len(steps) + 1, org_id, "accept-agreement", ts(now), admin))
        for user_id in (admin, colleague):
            for path in PATHS:
                if rng.random() < 0.6:
                    issued = now - timedelta(days=rng.uniform(0, 500))
                    certs.append(
                        (len(certs) + 1, user_id, org_id, path, "Certified", f"B{len(certs):09d}",
                         ts(issued), ts(issued + timedelta(days=365)), None, None, None)
                    )  # fmt: skip
        for fact in FACTS:
            if rng.random() < 0.3:
                on = (now - timedelta(days=rng.uniform(0, 400))).date()
                facts.append((len(facts) + 1, org_id, fact, on, "Bench", None, ts(now)))
    writer.write("certifications", CERT_COLUMNS, certs)
    writer.write("checklist_progress", STEP_COLUMNS, steps)
    writer.write("attested_facts", FACT_COLUMNS, facts)
    writer.finish(("certifications", "checklist_progress", "attested_facts"))
    return {"certifications": len(certs), "checklist_progress": len(steps), "facts": len(facts)}


CERT_COLUMNS = (
    "id", "user_id", "organization_id", "path_id", "certificate_name", "code", "issued_at",
    "expires_at", "revoked_at", "revoked_reason", "revoked_by_id",
)  # fmt: skip
STEP_COLUMNS = ("id", "organization_id", "step_id", "completed_at", "completed_by_id")
FACT_COLUMNS = (
    "id", "organization_id", "fact", "attested_on", "note", "recorded_by_id", "recorded_at",
)  # fmt: skip


def run(database: BenchDatabase, args: argparse.Namespace) -> bool:
    """Seed, evaluate twice, print the figures; True when within the budget."""
    from portal import create_app
    from portal.content_runtime import current_content
    from portal.db_types import utcnow
    from portal.extensions import db
    from portal.standing.evaluation import BATCH_SIZE, evaluate_all

    app = create_app(
        {
            "SECRET_KEY": os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret"),
            "SQLALCHEMY_DATABASE_URI": database.url,
            "CONTENT_DIR": str(CONTENT_DIR),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "BASE_URL": "http://portal.bench",
        }
    )
    print(f"{database.describe()}: {args.orgs:,} orgs, {args.referrals:,} referrals", flush=True)
    with app.app_context():
        db.create_all()
        check_columns(db.metadata)
        started = time.perf_counter()
        seeded = seed_referrals(
            BulkWriter(db.engine), ReferralScale(args.orgs, args.referrals), args.seed,
            time.perf_counter,
        )  # fmt: skip
        extra = seed_standing(db.engine, args.orgs, args.seed)
        analyze(db.engine)
        counts = {**seeded.counts, **extra}
        print(f"seeded in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)  # fmt: skip
        program = current_content().program
        statements: list[str] = []

        def count(conn, cursor, statement, *rest) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        passed = True
        now = utcnow()
        print(f"\n{'run':<28} {'orgs':>6} {'changes':>8} {'seconds':>8} {'stmts':>6}  result")
        for label, day in (("day 1 (statuses created)", 0), ("day 2 (steady)", 1)):
            statements.clear()
            started = time.perf_counter()
            report = evaluate_all(program, now + timedelta(days=day))
            seconds = time.perf_counter() - started
            ok = seconds <= BUDGET_SECONDS
            passed &= ok
            print(f"{label:<28} {report.organizations:>6,} {report.total_changes:>8,} "
                  f"{seconds:>8.1f} {len(statements):>6,}  {'ok' if ok else 'FAIL'}")  # fmt: skip
            for kind, n in sorted(report.changes.items()):
                print(f"{'':<4}{kind}: {n:,}")
        sa.event.remove(db.engine, "before_cursor_execute", count)
        batches = -(-args.orgs // BATCH_SIZE)
        print(f"\n{batches} batches of {BATCH_SIZE}; budget {BUDGET_SECONDS:.0f} s per run")
        db.session.remove()
        db.engine.dispose()
    return passed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 even when over budget (the report says FAIL)."""
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-bench-tiers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = create_database(args.database_url, workdir, "tiers")
    try:
        passed = run(database, args)
    finally:
        if args.keep:
            print(f"kept {database.describe()}")
        else:
            database.drop()
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nOVERALL: {'PASS' if passed else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
