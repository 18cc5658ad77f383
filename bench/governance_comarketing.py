"""Co-marketing approvals benchmark: the staff queue's first page and a partner's list.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/governance_comarketing.py

Seeds a fresh PostgreSQL database (named after the bench, dropped afterwards) twice: 1,000
pieces over 100 organisations, then 50,000 pieces over 5,000 organisations (issue 17); a fifth
of the pieces await review, the rest are spread over the other states. Organisation 1 holds a
tenth of the pieces (the worst case a partner's list meets). Measured over the test client:
`/staff/approvals` as staff and `/approvals` as organisation 1's partner, `--requests` times
each (default 40). Budget: p95 <= 50 ms and the same statement count at both sizes. Prints a
table; the exit code is 0 even when a budget fails (FAIL is printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import Organization, Role, User  # noqa: E402
from portal.comarketing.models import ComarketingPiece  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.conftest import sign_in  # noqa: E402

BUDGET_MS = 50.0
STATES = ("submitted", "changes_requested", "approved", "rejected", "approved")
BATCH = 5_000


def _seed(pieces: int, orgs: int) -> tuple[int, int]:
    """Organisations, one partner each, one staff member and the pieces; (staff, partner 1)."""
    now = datetime.now(UTC)
    db.session.execute(
        sa.insert(Organization),
        [
            {"name": f"Partner {i}", "partner_type": "referral", "tier": "registered",
             "status": "active", "created_at": now}
            for i in range(1, orgs + 1)
        ],
    )  # fmt: skip
    org_ids = list(db.session.scalars(sa.select(Organization.id).order_by(Organization.id)))
    db.session.execute(
        sa.insert(User),
        [
            {"email": f"p{org_id}@bench.example", "name": f"Partner {org_id}",
             "role": Role.PARTNER_ADMIN, "organization_id": org_id, "password_hash": "x",
             "session_token": uuid.uuid4().hex, "active": True, "created_at": now}
            for org_id in org_ids
        ],
    )  # fmt: skip
    staff = User(email="staff@bench.example", name="Staff", role=Role.STAFF, created_at=now)
    staff.set_password("bench-password")
    db.session.add(staff)
    db.session.flush()
    users = dict(db.session.execute(sa.select(User.organization_id, User.id)).all())
    large = pieces // 10
    rows: list[dict[str, Any]] = []
    for n in range(pieces):
        org_id = org_ids[0] if n < large else org_ids[n % len(org_ids)]
        submitted = now - timedelta(minutes=n)
        state = STATES[n % len(STATES)]
        rows.append(
            {"organization_id": org_id, "submitted_by_id": users[org_id],
             "title": f"Piece {n}", "channel": "email", "planned_on": date(2027, 1, 1),
             "status": state, "version_count": 1, "submitted_at": submitted,
             "due_at": submitted + timedelta(hours=72),
             "approval_reference": f"CM-2026-{n:09d}" if state == "approved" else None}
        )  # fmt: skip
        if len(rows) == BATCH:
            db.session.execute(sa.insert(ComarketingPiece), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(ComarketingPiece), rows)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return staff.id, users[org_ids[0]]


def _measure(app: Any, user_id: int, url: str, requests: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, statements per request) of GET url as the user."""
    client = app.test_client()
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        sign_in(client, user)
    counted: list[int] = []

    def count(*_args: Any) -> None:
        counted[-1] += 1

    times = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    for _ in range(requests + 3):
        counted.append(0)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", count)
    times = sorted(times[3:])
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, counted[-1]


def run(
    base_url: str, pieces: int, orgs: int, requests: int
) -> list[tuple[str, float, float, int]]:
    """Seed a fresh database, measure both pages, drop the database."""
    name = f"flywheel_bench_comarketing_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(base_url).set(database=name, drivername="postgresql+psycopg")
    try:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
                "CONTENT_DIR": str(ROOT / "tests/fixtures/content"),
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "log",
            }
        )
        with app.app_context():
            db.create_all()
            staff_id, partner_id = _seed(pieces, orgs)
        results = [
            ("staff queue, first page", *_measure(app, staff_id, "/staff/approvals", requests)),
            ("partner's list (org 1)", *_measure(app, partner_id, "/approvals", requests)),
        ]
        with app.app_context():
            db.engine.dispose()
        return results
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    base_url = os.environ.get("BENCH_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL=postgresql://... (a server where databases may be made)")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    small = run(base_url, 1_000, 100, args.requests)
    large = run(base_url, 50_000, 5_000, args.requests)
    print(f"{'page':<26} {'pieces':>7} {'median ms':>10} {'p95 ms':>8} {'statements':>11}  budget")
    for (label, *s), (_, *big) in zip(small, large, strict=True):
        for size, (median, p95, statements) in (("1,000", s), ("50,000", big)):
            flat = statements == s[2]
            verdict = "ok" if p95 <= BUDGET_MS and flat else "FAIL"
            print(f"{label:<26} {size:>7} {median:>10.1f} {p95:>8.1f} {statements:>11}  {verdict}")


if __name__ == "__main__":
    main()
