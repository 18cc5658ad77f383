"""Seed a scorecard benchmark: the referral bench's program (organisations, users, referrals
with their timelines, registrations, commissions), with organisation 1 made large, plus what
the scorecard's enablement and engagement figures read: invites, certificates, modules passed
and activity events (kit downloads, content views, logins).

Rows go through bench._database.BulkWriter as plain tuples, in chunks: `executemany` on
SQLite, `COPY` on PostgreSQL.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from werkzeug.security import generate_password_hash

from bench._database import BulkWriter
from bench._referrals_seed import (
    HISTORY_DAYS,
    STAFF_USERS,
    ReferralScale,
    ReferralSeed,
    ReferralSeeder,
)
from bench._referrals_tables import TABLES
from bench._seed import BENCH_PASSWORD, USER_COLUMNS, _names

INVITE_COLUMNS = _names(
    "id email role organization_id token_hash invited_by_id created_at expires_at accepted_at"
)
CERTIFICATION_COLUMNS = _names(
    "id user_id organization_id path_id certificate_name code issued_at expires_at revoked_at "
    "revoked_reason revoked_by_id"
)
COMPLETION_COLUMNS = _names("id user_id path_id module_id attempt_id completed_at")
ACTIVITY_COLUMNS = _names("id user_id organization_id kind subject created_at")
EXTRA_TABLES = ("invites", "certifications", "module_completions", "activity_events")
EXTRA_COLUMNS = {
    "invites": INVITE_COLUMNS,
    "certifications": CERTIFICATION_COLUMNS,
    "module_completions": COMPLETION_COLUMNS,
    "activity_events": ACTIVITY_COLUMNS,
}
PATHS = ("referral-basics", "co-selling-essentials", "reseller-delivery")
ACTIVITY_KINDS = (("content_view", 55), ("kit_download", 25), ("login", 20))
FLUSH_ROWS = 20_000


@dataclass(frozen=True)
class ScorecardScale:
    """The referral program, how large organisation 1 is, and its people and activity."""

    referrals: ReferralScale
    large_org_people: int = 60  # besides the two every organisation has
    people_per_org: int = 0  # more people in every other organisation
    large_org_activity: int = 200_000
    activity_per_org: int = 20


class ScorecardSeeder(ReferralSeeder):
    """The referral seeder, and the enablement and engagement rows on top."""

    def __init__(self, writer: BulkWriter, scale: ScorecardScale, seed: int):
        super().__init__(writer, scale.referrals, seed)
        self.card_scale = scale
        self.counts.update(dict.fromkeys(EXTRA_TABLES, 0))
        self.buffers.update({t: [] for t in EXTRA_TABLES})
        self._extra_ids = dict.fromkeys(EXTRA_TABLES, 0)

    def extra_people(self) -> dict[int, list[int]]:
        """Every organisation's people: its two, plus `large_org_people` more for organisation
        1 and `people_per_org` more for each other (their user ids come after the staff's),
        most of them signed in within the last two months."""
        ts, now, rng = self.w.ts, self.now, self.rng
        card = self.card_scale
        password_hash = generate_password_hash(BENCH_PASSWORD)
        user_id = (self.scale.orgs * 2) + STAFF_USERS
        people: dict[int, list[int]] = {}
        users: list[tuple] = []
        for org_id in range(1, self.scale.orgs + 1):
            extra = card.large_org_people if org_id == 1 else card.people_per_org
            people[org_id] = list(self.org_members[org_id])
            for _ in range(extra):
                user_id += 1
                people[org_id].append(user_id)
                signed_in = now - timedelta(days=rng.uniform(0, 60))
                users.append(
                    (user_id, f"person{user_id}@org{org_id}.bench.example", f"Person {user_id}",
                     "Consultant", password_hash, "partner_user", org_id, True,
                     f"{rng.getrandbits(192):048x}",
                     ts(now - timedelta(days=rng.uniform(30, HISTORY_DAYS))),
                     ts(signed_in) if rng.random() < 0.7 else None)
                )  # fmt: skip
                if len(users) >= FLUSH_ROWS:
                    self._write_extra("users", USER_COLUMNS, users)
                    users = []
        self._write_extra("users", USER_COLUMNS, users)
        return people

    def enablement_and_activity(self) -> None:
        """Invites, certificates and modules for organisation 1's people (and two per other
        organisation), and activity events: many for organisation 1, a few for every other."""
        rng, ts, now = self.rng, self.w.ts, self.now
        people = self.extra_people()
        for org_id, members in people.items():
            for user_id in members:
                joined = now - timedelta(days=rng.uniform(1, HISTORY_DAYS))
                self._add("invites", (f"invitee{user_id}@org{org_id}.bench.example",
                          "partner_user", org_id, f"{rng.getrandbits(128):032x}", None,
                          ts(joined), ts(joined + timedelta(days=14)), ts(joined)))  # fmt: skip
                if rng.random() < 0.6:
                    issued = joined + timedelta(days=rng.uniform(3, 60))
                    if issued < now:
                        self._add("certifications", (user_id, org_id, rng.choice(PATHS),
                                  "Certified partner", f"B{rng.getrandbits(60):015x}", ts(issued),
                                  ts(issued + timedelta(days=365)), None, None, None))  # fmt: skip
                for n in range(rng.randrange(0, 12) if org_id == 1 else rng.randrange(0, 3)):
                    done = joined + timedelta(days=rng.uniform(0, 90))
                    if done < now:
                        self._add("module_completions", (user_id, PATHS[0], f"module-{n}", None,
                                  ts(done)))  # fmt: skip
        for org_id, members in people.items():
            scale = self.card_scale
            count = scale.large_org_activity if org_id == 1 else scale.activity_per_org
            for _ in range(count):
                kind = _kind(rng)
                when = now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.5)
                self._add("activity_events", (rng.choice(members), org_id, kind,
                          f"doc-{rng.randrange(400)}", ts(when)))  # fmt: skip
        self._flush_extra()

    def _add(self, table: str, row: tuple) -> None:
        self._extra_ids[table] += 1
        self.buffers[table].append((self._extra_ids[table], *row))
        if len(self.buffers[table]) >= FLUSH_ROWS:
            self._write_extra(table, EXTRA_COLUMNS[table], self.buffers[table])
            self.buffers[table] = []

    def _flush_extra(self) -> None:
        for table in EXTRA_TABLES:
            self._write_extra(table, EXTRA_COLUMNS[table], self.buffers[table])
            self.buffers[table] = []

    def _write_extra(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        self.w.write(table, columns, rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)


def _kind(rng: random.Random) -> str:
    pick = rng.random() * 100
    for kind, weight in ACTIVITY_KINDS:
        pick -= weight
        if pick < 0:
            return kind
    return ACTIVITY_KINDS[-1][0]


def seed_scorecard(
    writer: BulkWriter, scale: ScorecardScale, seed: int, clock: Callable[[], float]
) -> ReferralSeed:
    """Write every table; returns who to sign in as (organisation 1's admin, staff), counts and
    timings."""
    seconds: dict[str, float] = {}
    seeder = ScorecardSeeder(writer, scale, seed)
    started = clock()
    probe, staff, partners = seeder.organisations_and_users()
    seconds["organisations, users, customers"] = clock() - started
    started = clock()
    seeder.referrals()
    seconds["referrals, events, registrations, commissions"] = clock() - started
    started = clock()
    seeder.enablement_and_activity()
    seconds["invites, certificates, modules, activity"] = clock() - started
    started = clock()
    writer.finish((*TABLES, *EXTRA_TABLES))
    seconds["commit"] = clock() - started
    return ReferralSeed(
        probe_token=probe,
        staff_token=staff,
        partner_tokens=partners,
        sample_refs=[],
        registered_domains=[],
        customer_domains=[],
        counts=seeder.counts,
        seconds=seconds,
    )
