"""Seed a referral benchmark database: organisations, users, referrals and their timelines.

Rows are generated as plain tuples and written through `bench._database.BulkWriter`
(`executemany` on SQLite, `COPY` on PostgreSQL) in chunks, never as ORM objects.

The shape, chosen to look like three years of a busy program:

- submission times skew recent (volume grew), ids follow submission order;
- the status follows the referral's age: the last two days are mostly waiting for a first
  response, older ones move along the pipeline, almost everything older than 90 days is
  closed (won, lost or rejected) except a few forgotten open ones, which are overdue;
- about 4 timeline events per referral on average (submitted, accepted, assigned, stage
  changes, updates, notes, value, won/lost/rejected, commission), in time order;
- organisations get lognormal shares (a few busy partners, a long tail); regions are
  weighted; owners are a dozen staff users; every open referral that is not a conflict holds
  its company registration; conflicts point at an open registration of another organisation.

Planted, the same at every scale: organisation 1 (the probe partner's) always has
PROBE_REFERRALS referrals, so the partner's list shows full pages at 10,000 and at 1,000,000.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from werkzeug.security import generate_password_hash

from bench._database import BulkWriter
from bench._referrals_tables import COLUMNS, TABLES
from bench._seed import BENCH_PASSWORD, _names
from portal.referrals.normalise import normalise_company_name

FLUSH_ROWS = 20_000
PROBE_REFERRALS = 300
STAFF_USERS = 12
HISTORY_DAYS = 1095
PROTECTION = timedelta(days=90)
FIRST_RESPONSE = timedelta(hours=48)
STALE_AFTER = timedelta(days=14)
HOLD = timedelta(days=60)

PARTNER_TYPES = ("referral", "reseller", "alliance")
REGIONS = (("North America", 40), ("Europe", 30), ("Asia Pacific", 15), ("Latin America", 10))
TIMINGS = ("0-3", "3-6", "6-12", "12+", "unknown")
_WORD_A = _names(
    "Birch Harbor Summit Copper Meadow Granite Silver Falcon Cedar Northern Blue River Pine "
    "Atlas Beacon Crescent Willow Iron Oak Maple Stone Lakeside Bright Golden Red Coastal Prairie "
    "Highland Eastern Western"
)
_WORD_B = _names(
    "Logistics Analytics Dental Foods Freight Labs Health Hotels Insurance Legal Marine "
    "Manufacturing Media Motors Packaging Payments Pharma Property Retail Software Solar Systems "
    "Textiles Travel Water Wellness Robotics Brewing Energy Finance"
)
_SUFFIXES = ("", " Inc", " Ltd", " GmbH", " LLC", " S.A.", " Group", " plc")
_TLDS = ("com", "com", "com", "co.uk", "de", "com.au", "fr", "ca", "io", "nl", "es", "com.br")
_FIRST = _names("Ada Ben Chloe Dev Emma Femi Gus Hana Ivo Jun Kai Lena Milo Nia Omar Pia Raj Sofia")
_LAST = _names("Okafor Lee Novak Silva Berg Chen Haddad Kowalski Moreau Tanaka Rossi Ahmed Grant")
_ROLES = ("Head of Sales", "VP Revenue", "CFO", "COO", "Sales Director", "RevOps Manager")
_NEEDS = (
    "Forecasts live in spreadsheets; they want one pipeline view.",
    "Three sales teams, three CRMs, no shared forecast.",
    "Renewals are missed because nobody sees them coming.",
    "The board wants weekly numbers they can trust.",
)
_UPDATES = (
    "First call held; next step is a demo with their sales leads.",
    "Budget confirmed for next quarter.",
    "Waiting for their security questionnaire.",
    "Proposal sent; decision expected this month.",
)
_NOTES = (
    "Prefers calls in the morning.",
    "Procurement wants a multi-year term.",
    "Existing contact in our CRM from last year.",
)
_LOST = ("Chose a competitor.", "Budget frozen.", "No decision; project shelved.")
_REJECTED = ("Too small for us today.", "Outside our target market.", "Already a customer.")


@dataclass(frozen=True)
class ReferralScale:
    """How big a database to seed."""

    orgs: int
    referrals: int
    customers: int = 20_000
    probe_referrals: int = PROBE_REFERRALS  # organisation 1's (the probe partner's) share


@dataclass
class ReferralSeed:
    """What was written, who to act as, and which referrals to open."""

    probe_token: str  # partner admin of organisation 1
    staff_token: str
    partner_tokens: list[str]  # members of organisation 1, for submissions
    sample_refs: list[int]  # referral ids for the staff page, mixed statuses
    registered_domains: list[str]  # open registrations: submitting one is a conflict
    customer_domains: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class ReferralSeeder:
    """Generates rows and hands them to a BulkWriter in chunks of about FLUSH_ROWS."""

    def __init__(self, writer: BulkWriter, scale: ReferralScale, seed: int):
        self.w = writer
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.counts = dict.fromkeys(TABLES, 0)
        self.buffers: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.org_type: list[str] = [""]
        self.org_members: list[tuple[int, int]] = [(0, 0)]
        self.staff_ids: list[int] = []
        self._name_keys: dict[str, str] = {}
        self._ids = dict.fromkeys(("event", "registration", "commission"), 0)
        self.holders: list[tuple[int, str, int]] = []  # (referral id, domain, org) still open
        self.sample: list[int] = []
        self.customer_domains: list[str] = []

    # -- organisations, users, customers ----------------------------------------------
    def organisations_and_users(self) -> tuple[str, str, list[str]]:
        rng, ts, now = self.rng, self.w.ts, self.now
        orgs = []
        for org_id in range(1, self.scale.orgs + 1):
            partner_type = PARTNER_TYPES[(org_id - 1) % len(PARTNER_TYPES)]
            self.org_type.append(partner_type)
            status = "active" if org_id == 1 else rng.choices(("active", "onboarding"), (85, 15))[0]
            created = now - timedelta(days=rng.uniform(HISTORY_DAYS, HISTORY_DAYS + 400))
            name = f"{rng.choice(_WORD_A)} {rng.choice(_WORD_B)} Partners {org_id}"
            orgs.append(
                (org_id, name, partner_type, rng.choice(("registered", "silver", "gold")), status,
                 f"https://org{org_id}.bench.example", ts(created), ts(created + timedelta(days=9)))
            )  # fmt: skip
        self._write("organizations", orgs)
        password_hash = generate_password_hash(BENCH_PASSWORD)
        users: list[tuple[object, ...]] = []
        tokens: dict[int, str] = {}
        user_id = 0
        for org_id in range(1, self.scale.orgs + 1):
            members = []
            for role in ("partner_admin", "partner_user"):
                user_id += 1
                tokens[user_id] = f"{rng.getrandbits(192):048x}"
                members.append(user_id)
                users.append(
                    (user_id, f"{role.split('_')[1]}{org_id}@org{org_id}.bench.example",
                     f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", "Partner", password_hash, role,
                     org_id, True, tokens[user_id], ts(now - timedelta(days=400)), None)
                )  # fmt: skip
            self.org_members.append((members[0], members[1]))
        for n in range(1, STAFF_USERS + 1):
            user_id += 1
            tokens[user_id] = f"{rng.getrandbits(192):048x}"
            self.staff_ids.append(user_id)
            users.append(
                (user_id, f"staff{n}@vendor.bench.example", f"{rng.choice(_FIRST)} Staff{n}",
                 "Partner manager", password_hash, "admin" if n == 1 else "staff", None, True,
                 tokens[user_id], ts(now - timedelta(days=900)), None)
            )  # fmt: skip
        self._write("users", users)
        self.customer_domains = [
            f"customer-{rng.choice(_WORD_A).lower()}-{n}.com"
            for n in range(1, self.scale.customers + 1)
        ]
        customers = [
            (n, domain, f"Customer {n}", self.staff_ids[0],
             ts(now - timedelta(days=rng.uniform(1, 700))))
            for n, domain in enumerate(self.customer_domains, 1)
        ]  # fmt: skip
        self._write("customers", customers)
        probe, colleague = self.org_members[1]
        return tokens[probe], tokens[self.staff_ids[1]], [tokens[probe], tokens[colleague]]

    # -- referrals ----------------------------------------------------------------------
    def referrals(self) -> None:
        """Every referral with its events, registration and commission, oldest first."""
        rng, total = self.rng, self.scale.referrals
        ages = sorted((HISTORY_DAYS * rng.random() ** 1.5 for _ in range(total)), reverse=True)
        weights = [rng.lognormvariate(0, 1.2) for _ in range(self.scale.orgs - 1)]
        cumulative = list(accumulate(weights))
        orgs = [2 + bisect(cumulative, rng.random() * cumulative[-1]) for _ in range(total)]
        orgs = [min(o, self.scale.orgs) for o in orgs]
        probe = min(self.scale.probe_referrals, total)
        for index in random.Random(7).sample(range(total), probe):
            orgs[index] = 1
        for index, (age, org_id) in enumerate(zip(ages, orgs, strict=True)):
            self._referral(index + 1, org_id, self.now - timedelta(days=age))
            if len(self.buffers["referrals"]) >= FLUSH_ROWS:
                self._flush()
        self._flush()

    def _referral(self, ref_id: int, org_id: int, t0: datetime) -> None:
        rng, ts, now = self.rng, self.w.ts, self.now
        age = (now - t0).total_seconds() / 86400
        status = _status_for_age(age, rng)
        is_open = status not in ("won", "lost", "rejected")
        submitter = self.org_members[org_id][rng.random() < 0.4]
        unanswered = status in ("submitted", "conflict")
        owner = rng.choice(self.staff_ids) if not unanswered or rng.random() < 0.35 else None
        word_a, word_b = rng.choice(_WORD_A), rng.choice(_WORD_B)
        name = f"{word_a} {word_b}{rng.choice(_SUFFIXES)}"
        domain = f"{word_a}-{word_b}-{ref_id:x}.{rng.choice(_TLDS)}".lower()
        conflict_reason, conflict_with = None, None
        if status == "conflict" or (status == "rejected" and rng.random() < 0.2):
            candidates = [h for h in self.holders[-5000:] if h[2] != org_id]
            if candidates and rng.random() < 0.9:
                conflict_with, domain, _ = rng.choice(candidates)
                conflict_reason = "registered"
            else:
                domain, conflict_reason = rng.choice(self.customer_domains), "customer"
        timeline = _Timeline(self, ref_id)
        first_status = "conflict" if conflict_reason else "submitted"
        timeline.add("submitted", t0, True, submitter, to_status=first_status)
        estimate = rng.choice((5, 8, 12, 20, 30, 45, 60, 90, 150)) * 100_000
        responded = closed = deal_value = accepted = None
        last_update = renewed = t0
        close_reason = ""
        if unanswered:
            if owner is not None:
                timeline.add("assigned", t0 + timedelta(hours=rng.uniform(0.2, 6)), False, owner)
        else:
            responded = t0 + timedelta(hours=min(rng.uniform(1, 70), age * 12))
            actor = owner or rng.choice(self.staff_ids)
            last_update = renewed = responded
            if status == "rejected":
                closed, close_reason = responded, rng.choice(_REJECTED)
                timeline.add("rejected", closed, True, actor, close_reason, first_status, status)
            else:
                timeline.add("accepted", responded, True, actor, "", first_status, "accepted")
                accepted = responded
                if owner is not None and rng.random() < 0.3:
                    timeline.add("assigned", responded + timedelta(minutes=5), False, actor)
                reached = _STAGES_REACHED.get(status, rng.choice((0, 0, 1, 2)))
                if is_open:
                    quiet = rng.expovariate(1 / 8)  # days since the last partner-visible news
                    end = max(now - timedelta(days=min(quiet, max(age - 2.5, 0))), responded)
                else:
                    end = responded + timedelta(days=rng.uniform(10, 120))
                    end = min(end, now - timedelta(hours=1))
                step = (end - responded) / (reached + 1)
                if rng.random() < 0.25:
                    timeline.add("note", responded + step / 2, False, actor, rng.choice(_NOTES))
                previous = "accepted"
                for n, stage in enumerate(("contacted", "qualified", "proposal")[:reached], 1):
                    when = responded + step * n
                    timeline.add("stage_changed", when, True, actor, "", previous, stage)
                    previous, last_update = stage, when
                if reached >= 2 and rng.random() < 0.4:
                    deal_value = estimate
                    when = responded + step * (reached + 0.5)
                    timeline.add("value_recorded", when, False, actor, "Deal value recorded.")
                if status == "won":
                    closed, deal_value = end, deal_value or estimate
                    timeline.add("won", end, True, actor, "", previous, "won")
                    timeline.add("commission_created", end, True, actor, "Commission calculated.")
                    self._commission(ref_id, org_id, deal_value, end)
                elif status == "lost":
                    closed, close_reason = end, rng.choice(_LOST)
                    timeline.add("lost", end, True, actor, close_reason, previous, "lost")
                elif rng.random() < 0.3:
                    timeline.add("update", end, True, actor, rng.choice(_UPDATES))
                    last_update = end
                renewed = last_update
        if closed is not None:
            last_update = closed
        first_due = t0 + FIRST_RESPONSE
        next_due = None
        if is_open:
            next_due = first_due if responded is None else last_update + STALE_AFTER
        if is_open and conflict_reason is None:
            self._ids["registration"] += 1
            self.buffers["company_registrations"].append(
                (self._ids["registration"], f"domain:{domain}", ref_id, org_id, ts(t0),
                 ts(renewed + PROTECTION))
            )  # fmt: skip
            self.holders.append((ref_id, domain, org_id))
        if org_id == 1 or (ref_id % 997 == 0 and len(self.sample) < 400):
            self.sample.append(ref_id)
        contact = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        self.buffers["referrals"].append(
            (ref_id, org_id, submitter, owner, f"{rng.getrandbits(128):032x}", name,
             f"https://www.{domain}", domain, self._name_key(name), contact,
             f"{contact.split()[0].lower()}@{domain}", "", rng.choice(_ROLES),
             _weighted(REGIONS, rng), estimate, "USD", rng.choice(TIMINGS), rng.choice(_NEEDS),
             "sourced" if rng.random() < 0.7 else "influenced", ts(t0), status, conflict_reason,
             conflict_with, close_reason, deal_value, "USD" if deal_value else None, ts(t0),
             ts(first_due), ts(responded), ts(last_update), ts(next_due), None, ts(closed),
             ts(accepted))
        )  # fmt: skip
        self.buffers["referral_events"].extend(timeline.rows)

    def _commission(self, ref_id: int, org_id: int, value: int, when: datetime) -> None:
        self._ids["commission"] += 1
        amount = min(value // 10, 25_000_00)
        paid = when < self.now - timedelta(days=90)
        self.buffers["commissions"].append(
            (self._ids["commission"], ref_id, org_id, amount, "USD", value, "10",
             amount == 25_000_00, self.org_type[org_id], "sourced",
             "10% of the deal value (cap USD 25,000).",
             "paid" if paid else "pending", None, self.w.ts(when), self.w.ts(when + HOLD),
             self.w.ts(when + HOLD) if paid else None, self.staff_ids[0] if paid else None,
             self.w.ts(when + HOLD + timedelta(days=5)) if paid else None,
             self.staff_ids[0] if paid else None, f"PAY-{ref_id}" if paid else "")
        )  # fmt: skip

    def _name_key(self, name: str) -> str:
        key = self._name_keys.get(name)
        if key is None:
            key = self._name_keys[name] = normalise_company_name(name)[:200]
        return key

    def _flush(self) -> None:
        for table in ("referrals", "referral_events", "company_registrations", "commissions"):
            self._write(table, self.buffers[table])
            self.buffers[table] = []
        # Registrations older than the conflict look-back window are never picked again.
        del self.holders[:-5000]

    def _write(self, table: str, rows: Sequence[tuple]) -> None:
        self.w.write(table, COLUMNS[table], rows)
        self.counts[table] += len(rows)


_STAGES_REACHED = {"accepted": 0, "contacted": 1, "qualified": 2, "proposal": 3, "won": 3}


class _Timeline:
    """One referral's events, in time order, with ids from the seeder's counter."""

    def __init__(self, seeder: ReferralSeeder, referral_id: int):
        self.seeder = seeder
        self.referral_id = referral_id
        self.rows: list[tuple] = []

    def add(
        self,
        kind: str,
        when: datetime,
        visible: bool,
        actor: int | None,
        message: str = "",
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> None:
        ids = self.seeder._ids
        ids["event"] += 1
        self.rows.append(
            (ids["event"], self.referral_id, kind, visible, actor, message, from_status,
             to_status, self.seeder.w.ts(when))
        )  # fmt: skip


def _status_for_age(age_days: float, rng: random.Random) -> str:
    table: tuple[tuple[str, int], ...]
    if age_days < 2:
        table = (("submitted", 80), ("conflict", 4), ("accepted", 12), ("rejected", 4))
    elif age_days < 14:
        table = (("submitted", 12), ("conflict", 3), ("accepted", 20), ("contacted", 25),
                 ("qualified", 10), ("proposal", 4), ("rejected", 16), ("lost", 10))  # fmt: skip
    elif age_days < 90:
        table = (("submitted", 1), ("conflict", 1), ("accepted", 5), ("contacted", 10),
                 ("qualified", 12), ("proposal", 11), ("won", 15), ("lost", 27),
                 ("rejected", 18))  # fmt: skip
    else:
        table = (("contacted", 1), ("qualified", 1), ("proposal", 1), ("won", 20), ("lost", 50),
                 ("rejected", 27))  # fmt: skip
    return _weighted(table, rng)


def _weighted(table: Sequence[tuple[str, int]], rng: random.Random) -> str:
    pick = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][0]


def seed_referrals(
    writer: BulkWriter, scale: ReferralScale, seed: int, clock: Callable[[], float]
) -> ReferralSeed:
    """Write every table; returns who to sign in as, row counts and timings."""
    seconds: dict[str, float] = {}
    seeder = ReferralSeeder(writer, scale, seed)
    started = clock()
    probe, staff, partners = seeder.organisations_and_users()
    seconds["organisations, users, customers"] = clock() - started
    started = clock()
    seeder.referrals()
    seconds["referrals, events, registrations, commissions"] = clock() - started
    started = clock()
    writer.finish(TABLES)
    seconds["commit"] = clock() - started
    rng = random.Random(seed + 1)
    registered = [domain for _, domain, _ in seeder.holders[-500:]]
    customers = rng.sample(seeder.customer_domains, min(100, len(seeder.customer_domains)))
    return ReferralSeed(
        probe_token=probe,
        staff_token=staff,
        partner_tokens=partners,
        sample_refs=rng.sample(seeder.sample, min(200, len(seeder.sample))),
        registered_domains=registered,
        customer_domains=customers,
        counts=seeder.counts,
        seconds=seconds,
    )
