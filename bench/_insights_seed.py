"""Seed a program-insights benchmark database: three years of a large partner program.

Rows are plain tuples written through `bench._database.BulkWriter` (`executemany` on SQLite,
`COPY` on PostgreSQL) in chunks. At full scale: 5,000 organisations, 50,000 partner people,
1,000,000 referrals with about three timeline events each, their commissions, 5,000,000
activity events, 500,000 quiz attempts with their completed modules, certificates and
meetings. Times skew recent (the program grew); ids follow time within each table.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from werkzeug.security import generate_password_hash

from bench._database import BulkWriter
from bench._referrals_tables import COMMISSION_COLUMNS, EVENT_COLUMNS, REFERRAL_COLUMNS
from bench._seed import (
    ATTEMPT_COLUMNS,
    BENCH_PASSWORD,
    CERT_COLUMNS,
    COMPLETION_COLUMNS,
    ORG_COLUMNS,
    USER_COLUMNS,
    _names,
)

FLUSH_ROWS = 50_000
HISTORY_DAYS = 1095
STAFF_USERS = 12
TYPES = (("referral", 5), ("reseller", 3), ("alliance", 2))
TIERS = (("registered", 6), ("silver", 3), ("gold", 1))
STATUSES = (("active", 75), ("onboarding", 15), ("invited", 5), ("suspended", 5))
REGIONS = (("North America", 40), ("Europe", 30), ("Asia Pacific", 15), ("Latin America", 10),
           ("Middle East and Africa", 5))  # fmt: skip
KINDS = (("login", 40), ("content_view", 40), ("kit_download", 10), ("template_copy", 6),
         ("template_download", 4))  # fmt: skip
PATHS = {"referral-foundations": 5, "co-selling-essentials": 4}
ACTIVITY_COLUMNS = _names("id user_id organization_id kind subject created_at day")
MEETING_COLUMNS = _names("id organization_id held_on kind note recorded_by_id created_at")
DISPUTE_COLUMNS = _names(
    "id commission_id organization_id opened_by_id reason opened_at answer resolved_by_id "
    "resolved_at"
)
TABLES = _names(
    "organizations users referrals referral_events commissions commission_disputes "
    "activity_events quiz_attempts module_completions certifications meetings"
)


@dataclass(frozen=True)
class InsightsScale:
    orgs: int = 5_000
    users: int = 50_000
    referrals: int = 1_000_000
    activity: int = 5_000_000
    attempts: int = 500_000

    def smaller(self, referrals: int) -> InsightsScale:
        """The same organisations and people with `referrals` and everything else in step."""
        share = referrals / self.referrals
        return InsightsScale(
            self.orgs, self.users, referrals, int(self.activity * share), int(self.attempts * share)
        )


@dataclass
class Seeded:
    staff_token: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]], n: int) -> list[str]:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=n)


class InsightsSeeder:
    """Generates each table's rows in time order and hands them to the writer in chunks."""

    def __init__(self, writer: BulkWriter, scale: InsightsScale, seed: int):
        self.w = writer
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.counts = dict.fromkeys(TABLES, 0)
        self.buffers: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.columns = {
            "organizations": (*ORG_COLUMNS, "region"), "users": USER_COLUMNS,
            "referrals": REFERRAL_COLUMNS, "referral_events": EVENT_COLUMNS,
            "commissions": COMMISSION_COLUMNS, "commission_disputes": DISPUTE_COLUMNS,
            "activity_events": ACTIVITY_COLUMNS, "quiz_attempts": ATTEMPT_COLUMNS,
            "module_completions": COMPLETION_COLUMNS, "certifications": CERT_COLUMNS,
            "meetings": MEETING_COLUMNS,
        }  # fmt: skip
        self.ids = dict.fromkeys(TABLES, 0)
        self.org_type: list[str] = [""]
        self.org_created: list[datetime] = [self.now]
        self.staff_ids: list[int] = []

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def recent_ages(self, n: int) -> list[float]:
        """`n` ages in days, oldest first, skewed to the recent past (the program grew)."""
        return sorted((HISTORY_DAYS * self.rng.random() ** 1.6 for _ in range(n)), reverse=True)

    def add(self, table: str, row: tuple) -> int:
        self.ids[table] += 1
        self.buffers[table].append((self.ids[table], *row))
        if len(self.buffers[table]) >= FLUSH_ROWS:
            self.flush(table)
        return self.ids[table]

    def flush(self, table: str | None = None) -> None:
        """Write the buffered rows of `table` and of every table before it (its parents:
        TABLES lists parents first, so a foreign key never points at an unwritten row)."""
        last = TABLES.index(table) if table else len(TABLES) - 1
        for name in TABLES[: last + 1]:
            rows = self.buffers[name]
            if rows:
                self.w.write(name, self.columns[name], rows)
                self.counts[name] += len(rows)
                self.buffers[name] = []

    # -- organisations and people ------------------------------------------------------------
    def people(self) -> str:
        rng, ts, scale = self.rng, self.w.ts, self.scale
        types = _weighted(rng, TYPES, scale.orgs)
        tiers = _weighted(rng, TIERS, scale.orgs)
        statuses = _weighted(rng, STATUSES, scale.orgs)
        # A generator of their own: the rest of the seed stays what it was before regions.
        regions = _weighted(random.Random(scale.orgs), REGIONS, scale.orgs)
        for org_id in range(1, scale.orgs + 1):
            created = self.ago(rng.uniform(20, HISTORY_DAYS + 200))
            status = statuses[org_id - 1]
            activation = created + timedelta(days=rng.uniform(5, 70))
            activated = activation if status in ("active", "suspended") else None
            self.org_type.append(types[org_id - 1])
            self.org_created.append(created)
            self.add("organizations", (
                f"Bench Partner {org_id}", types[org_id - 1], tiers[org_id - 1], status,
                f"https://org{org_id}.bench.example", ts(created), ts(activated),
                regions[org_id - 1],
            ))  # fmt: skip
        password_hash = generate_password_hash(BENCH_PASSWORD)
        per_org = scale.users // scale.orgs
        for user_id in range(1, scale.orgs * per_org + 1):
            org_id = (user_id - 1) // per_org + 1
            seen = self.ago(rng.expovariate(1 / 18)) if rng.random() < 0.9 else None
            self.add("users", (
                f"person{user_id}@org{org_id}.bench.example", f"Person {user_id}", "Partner",
                password_hash, "partner_admin" if user_id % per_org == 1 else "partner_user",
                org_id, True, f"{rng.getrandbits(192):048x}", ts(self.org_created[org_id]),
                ts(seen),
            ))  # fmt: skip
        token = ""
        for n in range(1, STAFF_USERS + 1):
            session_token = f"{rng.getrandbits(192):048x}"
            token = token or session_token
            self.staff_ids.append(self.add("users", (
                f"staff{n}@vendor.bench.example", f"Staff Member {n:02d}", "Partner manager",
                password_hash, "admin" if n == 1 else "staff", None, True, session_token,
                ts(self.ago(HISTORY_DAYS + 300)), ts(self.ago(1)),
            )))  # fmt: skip
        self.flush()
        return token

    def member(self, org_id: int) -> int:
        per_org = self.scale.users // self.scale.orgs
        return (org_id - 1) * per_org + 1 + self.rng.randrange(per_org)

    # -- referrals ----------------------------------------------------------------------------
    def referrals(self) -> None:
        rng, scale = self.rng, self.scale
        weights = list(accumulate(rng.lognormvariate(0, 1.1) for _ in range(scale.orgs)))
        regions = _weighted(rng, REGIONS, scale.referrals)
        for index, age in enumerate(self.recent_ages(scale.referrals)):
            org_id = 1 + bisect(weights, rng.random() * weights[-1])
            self._referral(min(org_id, scale.orgs), age, regions[index])
        self.flush()

    def _referral(self, org_id: int, age: float, region: str) -> None:
        rng, ts, now = self.rng, self.w.ts, self.now
        t0 = self.ago(age)
        submitter = self.member(org_id)
        owner = rng.choice(self.staff_ids) if rng.random() < 0.9 else None
        reply = t0 + timedelta(hours=rng.lognormvariate(3.0, 0.6))
        responded = reply if reply < now else None
        status, closed, last, events = "submitted", None, t0, []
        if responded is not None:
            status, last = "accepted", responded
            events.append((responded, "accepted", "submitted", "accepted"))
            if rng.random() < 0.12:
                status, closed = "rejected", responded
                events[-1] = (responded, "rejected", "submitted", "rejected")
            for stage, chance in (("contacted", 0.85), ("qualified", 0.7), ("proposal", 0.6)):
                if closed is not None:
                    break
                when = last + timedelta(days=rng.uniform(3, 25))
                if when >= now:
                    break
                if rng.random() > chance:
                    closed = when
                    events.append((when, "lost", status, "lost"))
                    status = "lost"
                    break
                events.append((when, "stage_changed", status, stage))
                status, last = stage, when
            if status == "proposal":
                when = last + timedelta(days=rng.uniform(5, 40))
                if when < now:
                    closed, won = when, rng.random() < 0.55
                    events.append((when, "won" if won else "lost", "proposal",
                                   "won" if won else "lost"))  # fmt: skip
                    status = "won" if won else "lost"
        estimate = rng.choice((5, 8, 12, 20, 30, 45, 60, 90, 150)) * 100_000
        deal = estimate if status == "won" else None
        stale_clock = (events[-1][0] if events else t0) + timedelta(days=14)
        next_due = None if closed else (
            t0 + timedelta(hours=48) if responded is None else stale_clock
        )  # fmt: skip
        ref_id = self.add("referrals", (
            org_id, submitter, owner, f"bench-{self.ids['referrals'] + 1}",
            f"Company {self.ids['referrals'] + 1}", "", None,
            f"company {self.ids['referrals'] + 1}", "Dana Contact", "dana@example.com", "",
            "CFO", region, estimate, "USD", "3-6", "A pipeline view.",
            "sourced" if rng.random() < 0.8 else "influenced", ts(t0), status, None, None, "",
            deal, "USD" if deal else None, ts(t0), ts(t0 + timedelta(hours=48)), ts(responded),
            ts(events[-1][0] if events else t0), ts(next_due), None, ts(closed),
            ts(responded if events and events[0][1] == "accepted" else None),
        ))  # fmt: skip
        for when, kind, from_status, to_status in events:
            self.add("referral_events", (ref_id, kind, True, owner, "", from_status, to_status,
                                         ts(when)))  # fmt: skip
        if status == "won" and closed is not None:
            self._commission(ref_id, org_id, closed, deal or 0, submitter)

    def _commission(self, ref_id: int, org_id: int, won: datetime, deal: int, by: int) -> None:
        rng, ts, now = self.rng, self.w.ts, self.now
        amount = deal // 10
        approved = won + timedelta(days=61) if won + timedelta(days=61) < now else None
        paid = (
            approved + timedelta(days=20)
            if approved and approved + timedelta(days=20) < now
            else None
        )
        disputed = approved is not None and paid is None and rng.random() < 0.2
        status = (
            "disputed" if disputed else "paid" if paid else "approved" if approved else "pending"
        )
        commission_id = self.add("commissions", (
            ref_id, org_id, amount, "USD", deal, "10", False, self.org_type[org_id], "sourced",
            "10 % of the deal value", status, "approved" if disputed else None, ts(won),
            ts(won + timedelta(days=60)), ts(approved), self.staff_ids[0] if approved else None,
            ts(paid), self.staff_ids[0] if paid else None, "BENCH" if paid else "",
        ))  # fmt: skip
        if disputed and approved is not None:
            self.add("commission_disputes", (commission_id, org_id, by, "Rate", ts(approved + timedelta(days=3)), "", None, None))  # noqa: E501  # fmt: skip

    # -- engagement and learning ------------------------------------------------------------
    def activity(self) -> None:
        rng, ts = self.rng, self.w.ts
        kinds = _weighted(rng, KINDS, self.scale.activity)
        per_org = self.scale.users // self.scale.orgs
        partner_users = self.scale.orgs * per_org
        for index, age in enumerate(self.recent_ages(self.scale.activity)):
            user_id = 1 + int(partner_users * rng.random() ** 1.3)
            when = self.ago(age)
            kind = kinds[index]
            # Content views carry their day (once per person, document and day): a subject
            # of its own keeps the seeded rows clear of that unique index.
            day = when.date() if kind == "content_view" else None
            self.add("activity_events", (
                user_id, (user_id - 1) // per_org + 1, kind, f"doc-{index}", ts(when),
                day.isoformat() if day and self.w.dialect == "sqlite" else day,
            ))  # fmt: skip
        self.flush()

    def learning(self) -> None:
        rng, ts = self.rng, self.w.ts
        per_org = self.scale.users // self.scale.orgs
        partner_users = self.scale.orgs * per_org
        for age in self.recent_ages(self.scale.attempts):
            user_id = 1 + rng.randrange(partner_users)
            org_id = (user_id - 1) // per_org + 1
            path = rng.choice(list(PATHS))
            module = f"m{rng.randrange(PATHS[path])}"
            passed = rng.random() < 0.7
            when = self.ago(age)
            attempt_id = self.add("quiz_attempts", (
                user_id, org_id, path, module, "bench", "bench", "[]", None, None,
                90 if passed else 40, passed, ts(when - timedelta(minutes=8)), ts(when),
            ))  # fmt: skip
            if passed:
                self.add("module_completions", (user_id, path, module, attempt_id, ts(when)))
            if passed and rng.random() < 0.08:
                expires = when + timedelta(days=365)
                self.add("certifications", (
                    user_id, org_id, path, path, f"B{self.ids['certifications'] + 1:09d}",
                    ts(when), ts(expires), None, None, None,
                ))  # fmt: skip
        for age in self.recent_ages(self.scale.orgs * 8):
            org_id = 1 + rng.randrange(self.scale.orgs)
            when = self.ago(age)
            day = when.date().isoformat() if self.w.dialect == "sqlite" else when.date()
            kind = rng.choice(("meeting", "call", "qbr", "joint_plan_review"))
            self.add("meetings", (org_id, day, kind, "", self.staff_ids[1], ts(when)))
        self.flush()


def seed(writer: BulkWriter, scale: InsightsScale, seed_value: int) -> Seeded:
    """Write every table; the writer commits in `finish`."""
    started = time.perf_counter()
    seeder = InsightsSeeder(writer, scale, seed_value)
    token = seeder.people()
    for step in (seeder.referrals, seeder.activity, seeder.learning):
        began = time.perf_counter()
        step()
        print(f"  seeded {step.__name__} in {time.perf_counter() - began:.0f} s", flush=True)
    writer.finish(TABLES)
    return Seeded(token, dict(seeder.counts), time.perf_counter() - started)
