"""Public partner directory benchmark: server time and SQL statements per search page.

    make bench-directory                      # SQLite, then PostgreSQL if BENCH_DATABASE_URL is set
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/directory.py
    .venv/bin/python bench/directory.py --partners 500 --compare-small 0     # quick run

`--partners` listed partners (default 5,000) with realistic profiles (a description of a few
sentences, 1 to 3 regions, 1 to 6 countries, industries, services and languages from the demo
program.yml, a tier, a partner type), plus a tenth as many organisations that are not listed
(opted out, suspended, never approved), two people per listed partner and certifications for
about half of them. The listing figures are computed by `refresh_counts` (timed: it is what
`flask directory refresh` does each night). Measured anonymously through the test client: the
first page, each filter alone and combined, a text search, page 3 (keyset cursor), a profile
and the sitemap.

Budget (issue 18): every search/filter page p95 <= 50 ms on PostgreSQL, and the statement
count the same at `--compare-small` partners as at the full size. The profile and sitemap are
measured for information. A fresh database is created and dropped (SQLite: a file in a temp
dir; PostgreSQL: flywheel_bench_<random> on the server named by --database-url). The exit
code is 0 even when a budget fails; failures are printed as FAIL.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench._database import BenchDatabase, BulkWriter, analyze, create_database  # noqa: E402
from bench._measure import PageResult  # noqa: E402
from bench.learning import machine_reference  # noqa: E402

CONTENT_DIR = ROOT / "content"
BUDGET_P95_MS = 50.0
UNBUDGETED = frozenset({"profile", "sitemap"})
STATEMENT_BOUND = 2
WORDS = (
    "analytics", "pipeline", "forecasting", "dashboards", "data quality", "revenue operations",
    "migration", "governance", "training", "managed reporting", "integration", "self-service",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="a PostgreSQL server URL (default: $BENCH_DATABASE_URL; unset: SQLite)",
    )
    parser.add_argument("--partners", type=int, default=5_000, help="listed (default 5,000)")
    parser.add_argument(
        "--compare-small", type=int, default=500, metavar="N",
        help="first run with N listed partners and compare statements (default 500; 0 skips)",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20261218, help="random seed")
    return parser.parse_args(argv)


def seed(engine: sa.Engine, partners: int, rng: random.Random) -> None:
    """Organisations, profiles, people and certifications, written in bulk."""
    from portal.content import load_content

    program = load_content(CONTENT_DIR).program
    taxonomy = program.directory
    paths = sorted(load_content(CONTENT_DIR).paths)
    tiers = [t.id for t in program.tiers]
    types = [t.id for t in program.partner_types]
    now = datetime.now(UTC)
    writer = BulkWriter(engine)
    ts = writer.ts
    unlisted = max(1, partners // 10)
    orgs: list[tuple] = []
    profiles: list[tuple] = []
    users: list[tuple] = []
    certs: list[tuple] = []
    user_id = 0
    for org_id in range(1, partners + unlisted + 1):
        name = (
            f"{rng.choice(('Blue', 'North', 'Summit', 'Bright', 'Iron', 'Cedar'))} "
            f"{rng.choice(('Analytics', 'Data', 'Consulting', 'Systems', 'Partners'))} {org_id}"
        )
        listed = org_id <= partners
        status = "active" if listed or org_id % 3 else "suspended"
        orgs.append((org_id, name, rng.choice(types), rng.choices(tiers, (6, 3, 1))[0], status,
                     f"https://p{org_id}.example", ts(now - timedelta(days=400))))  # fmt: skip
        countries = rng.sample(taxonomy.countries, rng.randint(1, 6))
        regions = sorted({c.region for c in countries})
        words = rng.sample(WORDS, 3)
        description = (
            f"{name} helps teams with **{words[0]}** and {words[1]}. "
            f"We have delivered {rng.randint(5, 200)} projects across "
            f"{', '.join(c.name for c in countries[:3])}.\n\n- {words[2].capitalize()}\n"
            "- Fixed-price pilots"
        )
        profiles.append((
            org_id, f"partner-{org_id}", listed or org_id % 2 == 0, description,
            f"https://p{org_id}.example", _ids(regions), _ids([c.id for c in countries]),
            _ids([t.id for t in rng.sample(taxonomy.industries, rng.randint(1, 3))]),
            _ids([t.id for t in rng.sample(taxonomy.services, rng.randint(1, 3))]),
            _ids([t.id for t in rng.sample(taxonomy.languages, rng.randint(1, 2))]),
            ts(now - timedelta(days=rng.randint(1, 300))) if listed or org_id % 2 else None,
            0, "", "{}", 0, "",
        ))  # fmt: skip
        for _ in range(2):
            user_id += 1
            users.append((user_id, f"u{user_id}@p{org_id}.example", f"Person {user_id}", "",
                          "partner_user", org_id, True, f"{user_id:064x}", ts(now)))  # fmt: skip
            if rng.random() < 0.5:
                certs.append((len(certs) + 1, user_id, org_id, rng.choice(paths), "Certified",
                              f"C{len(certs) + 1:020d}", ts(now - timedelta(days=30)),
                              ts(now + timedelta(days=300))))  # fmt: skip
    writer.write("organizations", ("id", "name", "partner_type", "tier", "status", "website",
                                   "created_at"), orgs)  # fmt: skip
    writer.write("directory_profiles", ("organization_id", "slug", "listed", "description",
                 "website", "regions", "countries", "industries", "services", "languages",
                 "published_at", "certified_total", "certified_paths", "certified_by_path",
                 "accepted_referrals", "search_text"), profiles)  # fmt: skip
    writer.write("users", ("id", "email", "name", "job_title", "role", "organization_id", "active",
                           "session_token", "created_at"), users)  # fmt: skip
    writer.write("certifications", ("id", "user_id", "organization_id", "path_id",
                 "certificate_name", "code", "issued_at", "expires_at"), certs)  # fmt: skip
    writer.finish(["organizations", "users", "certifications"])


def _ids(ids: list[str]) -> str:
    return f"|{'|'.join(ids)}|" if ids else ""


def measure(app: Flask, requests: int, warmup: int) -> list[PageResult]:
    """Every page, anonymously, through the test client."""
    from portal.extensions import db

    counter = {"n": 0}

    def count(*_args: object) -> None:
        counter["n"] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    client = app.test_client()
    first = client.get("/partners").get_data(as_text=True)
    cursor = re.search(r'after=(\d+)" rel="next"', first)
    page2 = (
        client.get(f"/partners?after={cursor.group(1)}").get_data(as_text=True) if cursor else ""
    )
    cursor3 = re.search(r'after=(\d+)" rel="next"', page2)
    slug = re.search(r'href="/partners/(partner-\d+)"', first)
    pages = [
        ("first page", "/partners"),
        ("region", "/partners?region=Europe"),
        ("country", "/partners?country=de"),
        ("industry+service", "/partners?industry=manufacturing&service=implementation"),
        ("type+tier", "/partners?type=reseller&tier=gold"),
        ("certified in path", "/partners?path=referral-foundations"),
        (
            "all filters",
            "/partners?region=Europe&country=de&industry=healthcare&service=training"
            "&type=referral&tier=silver&path=referral-foundations",
        ),
        ("text search", "/partners?q=forecasting"),
        ("page 3", f"/partners?after={cursor3.group(1) if cursor3 else ''}"),
        ("profile", f"/partners/{slug.group(1) if slug else 'none'}"),
        ("sitemap", "/sitemap.xml"),
    ]
    results = []
    for page, url in pages:
        result = PageResult(page, url)
        for number in range(warmup + requests):
            counter["n"] = 0
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                result.error = f"GET {url} answered {response.status_code}"
                break
            if number >= warmup:
                result.times_ms.append(elapsed)
                result.statements.append(counter["n"])
        results.append(result)
    sa.event.remove(db.engine, "before_cursor_execute", count)
    return results


def run_once(database: BenchDatabase, partners: int, args: argparse.Namespace) -> list[PageResult]:
    """Schema, seed, refresh the figures (timed), measure."""
    from portal import create_app
    from portal.directory.listing import refresh_counts
    from portal.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database.url, "CONTENT_DIR": str(CONTENT_DIR),
        "CONTENT_AUTO_RELOAD": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "log",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seed(db.engine, partners, random.Random(args.seed))
        print(f"seeded {partners:,} listed partners in {time.perf_counter() - started:.1f} s "
              f"({database.describe()})", flush=True)  # fmt: skip
        started = time.perf_counter()
        from portal.content_runtime import current_content

        updated = refresh_counts(program=current_content().program)
        db.session.commit()
        print(f"flask directory refresh: {updated:,} profiles in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms", flush=True)  # fmt: skip
        analyze(db.engine)
        db.session.remove()
        results = measure(app, args.requests, args.warmup)
        db.session.remove()
        db.engine.dispose()
    return results


def table(results: list[PageResult], partners: int, dialect: str, enforce: bool) -> bool:
    """Print the results; True when every budgeted page passed (always True on SQLite)."""
    print(f"\n{dialect}, {partners:,} listed partners")
    print(f"{'page':<20} {'median ms':>10} {'p95 ms':>8} {'statements':>11}  verdict")
    passed = True
    for r in results:
        ok = not r.error and (r.page in UNBUDGETED or r.p95_ms <= BUDGET_P95_MS)
        verdict = "info" if r.page in UNBUDGETED else ("ok" if ok else "FAIL")
        if not enforce and verdict != "info":
            verdict = "ok" if not r.error else "FAIL"
        passed &= ok or not enforce
        print(f"{r.page:<20} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} {r.statements_max:>11}  "
              f"{verdict}{'  ' + r.error if r.error else ''}")  # fmt: skip
    return passed


def compare(small: list[PageResult], full: list[PageResult], n_small: int, n_full: int) -> bool:
    """Statements must not grow with the number of partners: at most STATEMENT_BOUND at both
    sizes (a search that matches nobody skips reading rows, so it may run one fewer)."""
    print(f"\nstatements at {n_small:,} vs {n_full:,} partners (at most {STATEMENT_BOUND})")
    passed = True
    for a, b in zip(small, full, strict=True):
        same = max(a.statements_max, b.statements_max) <= STATEMENT_BOUND
        passed &= same
        print(f"{a.page:<20} {a.statements_max:>4} {b.statements_max:>4}  "
              f"{'flat' if same else 'FAIL'}")  # fmt: skip
    return passed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; 0 even when a budget fails."""
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    workdir = Path(tempfile.mkdtemp(prefix="flywheel-bench-directory-"))
    print(machine_reference(), flush=True)
    sizes = ([("small", args.compare_small)] if args.compare_small else []) + [
        ("full", args.partners)
    ]
    measured: dict[str, list[PageResult]] = {}
    try:
        for label, partners in sizes:
            database = create_database(args.database_url, workdir, label)
            try:
                measured[label] = run_once(database, partners, args)
            finally:
                database.drop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    enforce = bool(args.database_url)
    dialect = "PostgreSQL" if enforce else "SQLite"
    passed = True
    for label, partners in sizes:
        passed &= table(measured[label], partners, dialect, enforce)
    if "small" in measured:
        passed &= compare(measured["small"], measured["full"], args.compare_small, args.partners)
    print(f"\nOVERALL: {'PASS' if passed else 'FAIL (see the rows marked FAIL)'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
