"""Seed the governance queues in bulk: partner questions, co-marketing pieces and MDF requests.

One program for all three (bench/governance.py): `orgs` organisations, each with one partner
admin, and three staff. Organisation 1 is the large partner: it holds `large` rows of each
kind (its own lists are measured), the others share the rest. Every row goes in through
bench._database.BulkWriter (COPY on PostgreSQL, executemany on SQLite) with ids that follow
time, as they do in use. The same seed at a hundredth of the size proves the statement counts
flat (organisation 1 still fills a page of each list there).

- questions: four topics of the demo program; new 10 %, waiting on us 5 %, waiting on partner
  10 %, answered 75 %; each with its opening message and, once responded to, a staff answer.
- co-marketing pieces: a fifth await review, the rest changes requested, approved or
  rejected; each with its first version (a URL) and its submission on the timeline.
- MDF requests: eight quarters in every state with their allocations and, once claimed,
  claims; organisation 1's 200 newest still in progress.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from werkzeug.security import generate_password_hash

from bench._database import BulkWriter
from bench._seed import ORG_COLUMNS, USER_COLUMNS, _names

STAFF = 3
CHUNK = 20_000
TOPICS = _names("commissions referrals enablement program")
QUESTION_STATES = (("new", 10), ("waiting_on_us", 5), ("waiting_on_partner", 10), ("answered", 75))
PIECE_STATES = (("submitted", 20), ("changes_requested", 10), ("approved", 55), ("rejected", 15))
MDF_STATES = (
    ("requested", 8), ("approved", 10), ("rejected", 8), ("claimed", 6), ("claim_approved", 4),
    ("paid", 56), ("expired", 8),
)  # fmt: skip
MDF_QUARTERS = 8
MDF_ALLOCATION = {"silver": 1_000_000, "gold": 2_500_000}  # content/program.yml, in cents

QUESTION_COLUMNS = _names(
    "id organization_id asked_by_id assignee_id topic subject about_kind about_key status "
    "asked_at first_response_due_at first_responded_at due_at last_activity_at"
)
MESSAGE_COLUMNS = _names("id question_id author_id kind body worth_faq created_at")
PIECE_COLUMNS = _names(
    "id organization_id submitted_by_id title channel planned_on kit_id status version_count "
    "submitted_at due_at decided_at approval_reference"
)
VERSION_COLUMNS = _names(
    "id piece_id number submitted_by_id storage_key file_name media_type size_bytes url note "
    "created_at"
)
DECISION_COLUMNS = _names(
    "id piece_id organization_id kind version_number actor_id comment created_at"
)
ALLOCATION_COLUMNS = _names(
    "id organization_id period tier currency allocated_minor committed_minor paid_minor created_at"
)
REQUEST_COLUMNS = _names(
    "id organization_id allocation_id requested_by_id activity_type activity_date title "
    "description expected_results expected_attendees expected_meetings currency "
    "requested_minor approved_minor payable_minor held_minor status claim_due_on created_at "
    "decided_at decided_by_id decision_note paid_at paid_by_id payout_reference"
)
CLAIM_COLUMNS = _names(
    "id request_id organization_id submitted_by_id actual_cost_minor attendees meetings "
    "results status submitted_at decided_at decided_by_id decision_note"
)
TABLES = _names(
    "organizations users questions question_messages comarketing_pieces comarketing_versions "
    "comarketing_decisions mdf_allocations mdf_requests mdf_claims"
)


@dataclass(frozen=True)
class GovernanceScale:
    """How much to seed."""

    orgs: int = 5_000
    questions: int = 100_000
    pieces: int = 50_000
    mdf_requests: int = 50_000
    large: int = 1_000  # rows of each kind held by organisation 1

    def smaller(self, divisor: int) -> GovernanceScale:
        """The same program at 1/divisor of its rows (organisation 1 still fills its pages)."""
        large = max(100, self.large // divisor)
        return GovernanceScale(
            orgs=max(10, self.orgs // divisor),
            questions=max(large * 2, self.questions // divisor),
            pieces=max(large * 2, self.pieces // divisor),
            mdf_requests=max(large * 2, self.mdf_requests // divisor),
            large=large,
        )


@dataclass(frozen=True)
class Seeded:
    """Who the bench signs in as (session tokens), and what was written."""

    staff_token: str
    large_token: str  # organisation 1's partner admin
    typical_token: str  # the admin of an organisation with a few rows of each kind
    rows: int


class GovernanceSeeder:
    """Generates the rows and hands them to a BulkWriter in chunks."""

    def __init__(self, writer: BulkWriter, scale: GovernanceScale, rng: random.Random):
        self.w = writer
        self.scale = scale
        self.rng = rng
        # Naive UTC, as the portal stores times (portal/db_types.py UTCDateTime).
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.staff_ids = [scale.orgs + n for n in range(1, STAFF + 1)]
        self.tiers = ["gold" if o == 1 or o % 4 == 0 else "silver" for o in range(scale.orgs + 1)]

    def owners(self, total: int) -> list[int]:
        """Which organisation each of `total` rows belongs to, in id order (shuffled)."""
        others = max(1, self.scale.orgs - 1)
        owners = [1] * self.scale.large + [
            2 + self.rng.randrange(others) if self.scale.orgs > 1 else 1
            for _ in range(total - self.scale.large)
        ]
        self.rng.shuffle(owners)
        return owners

    def organisations_and_users(self) -> dict[int, str]:
        """Organisations, one partner admin each (user id = organisation id), staff; tokens."""
        ts, created = self.w.ts, self.now - timedelta(days=800)
        orgs = self.scale.orgs
        self.w.write(
            "organizations",
            ORG_COLUMNS,
            [(o, f"Bench Partner {o}", "reseller", self.tiers[o], "active",
              f"https://org{o}.bench.example", ts(created), ts(created + timedelta(days=9)))
             for o in range(1, orgs + 1)],
        )  # fmt: skip
        tokens = {n: f"{self.rng.getrandbits(192):048x}" for n in range(1, orgs + STAFF + 1)}
        # Only a user with a password may sign in; the bench signs in through the session.
        password = generate_password_hash("bench-only", method="pbkdf2:sha256:1000")
        users = [
            (o, f"admin{o}@org{o}.bench.example", f"Admin {o}", "Partner manager", password,
             "partner_admin", o, True, tokens[o], ts(created), None)
            for o in range(1, orgs + 1)
        ] + [
            (s, f"staff{s - orgs}@vendor.bench.example", f"Staff {s - orgs}", "Partner team",
             password, "staff", None, True, tokens[s], ts(created), None)
            for s in self.staff_ids
        ]  # fmt: skip
        self.w.write("users", USER_COLUMNS, users)
        return tokens

    def questions(self) -> None:
        """Questions in every state, each with its opening message and answer once answered."""
        rng, ts = self.rng, self.w.ts
        states = [s for s, weight in QUESTION_STATES for _ in range(weight)]
        asked_times = sorted(
            self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            for _ in range(self.scale.questions)
        )
        questions: list[tuple] = []
        messages: list[tuple] = []
        for qid, (org, asked) in enumerate(
            zip(self.owners(self.scale.questions), asked_times, strict=True), start=1
        ):
            status = rng.choice(states)
            first_due = asked + timedelta(hours=8)
            responded = None if status == "new" else asked + timedelta(minutes=rng.randint(5, 900))
            due = first_due if status == "new" else None
            if status == "waiting_on_us":
                due = (responded or asked) + timedelta(hours=30)
            assignee = rng.choice(self.staff_ids) if rng.random() < 0.6 else None
            questions.append(
                (qid, org, org, assignee, rng.choice(TOPICS), f"Question {qid} about payouts",
                 None, None, status, ts(asked), ts(first_due), ts(responded), ts(due),
                 ts(responded or asked))
            )  # fmt: skip
            messages.append(
                (len(messages) + 1, qid, org, "question", "When is it paid?", False, ts(asked))
            )
            if responded is not None:
                messages.append(
                    (len(messages) + 1, qid, self.staff_ids[0], "answer", "On the 15th.", False,
                     ts(responded))
                )  # fmt: skip
            if len(questions) >= CHUNK:
                self.w.write("questions", QUESTION_COLUMNS, questions)
                questions.clear()
        self.w.write("questions", QUESTION_COLUMNS, questions)
        self.w.write("question_messages", MESSAGE_COLUMNS, messages)

    def pieces(self) -> None:
        """Co-marketing pieces in every state, with their first version and submission."""
        rng, ts = self.rng, self.w.ts
        states = [s for s, weight in PIECE_STATES for _ in range(weight)]
        channels = _names("email web_page social_post event press_release other")
        submitted_times = sorted(
            self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            for _ in range(self.scale.pieces)
        )
        pieces: list[tuple] = []
        versions: list[tuple] = []
        decisions: list[tuple] = []
        for pid, (org, submitted) in enumerate(
            zip(self.owners(self.scale.pieces), submitted_times, strict=True), start=1
        ):
            status = rng.choice(states)
            decided = None if status == "submitted" else submitted + timedelta(hours=30)
            reference = f"CM-BENCH-{pid:08d}" if status == "approved" else None
            pieces.append(
                (pid, org, org, f"Piece {pid}: spring campaign", rng.choice(channels),
                 (submitted + timedelta(days=30)).date(), None, status, 1, ts(submitted),
                 ts(submitted + timedelta(hours=72)), ts(decided), reference)
            )  # fmt: skip
            versions.append(
                (pid, pid, 1, org, None, "", "", None, f"https://org{org}.bench.example/p{pid}",
                 "", ts(submitted))
            )  # fmt: skip
            decisions.append((pid, pid, org, "submitted", 1, org, "", ts(submitted)))
        self.w.write("comarketing_pieces", PIECE_COLUMNS, pieces)
        self.w.write("comarketing_versions", VERSION_COLUMNS, versions)
        self.w.write("comarketing_decisions", DECISION_COLUMNS, decisions)

    def mdf(self) -> None:
        """MDF requests over eight quarters in every state, their allocations and claims."""
        rng, ts = self.rng, self.w.ts
        large, staff = self.scale.large, self.staff_ids[0]
        asked_times = sorted(
            self.now - timedelta(days=rng.uniform(0, 91 * MDF_QUARTERS - 1))
            for _ in range(self.scale.mdf_requests)
        )
        allocations: dict[tuple[int, str], list] = {}
        requests: list[tuple] = []
        claims: list[tuple] = []
        large_seen = 0
        statuses, weights = zip(*MDF_STATES, strict=True)
        for rid, (org, asked) in enumerate(
            zip(self.owners(self.scale.mdf_requests), asked_times, strict=True), start=1
        ):
            large_seen += org == 1
            if org == 1:  # only its 200 newest still move: its list is mostly history
                status = (
                    rng.choice(statuses[:5]) if large_seen > large - 200 else rng.choice(
                        ("paid", "rejected", "expired"))
                )  # fmt: skip
            else:
                status = rng.choices(statuses, weights)[0]
            activity = asked.date() + timedelta(days=rng.randint(-10, 40))
            period = _quarter(asked.date())
            allocation = allocations.setdefault(
                (org, period),
                [len(allocations) + 1, org, period, self.tiers[org], "USD",
                 MDF_ALLOCATION[self.tiers[org]], 0, 0, ts(asked)],
            )  # fmt: skip
            amount = rng.choice((5_000, 10_000, 20_000, 50_000))
            payable = amount // 2 if status in ("claim_approved", "paid") else None
            held = 0 if status in ("rejected", "expired") else (payable or amount)
            if allocation[6] + held > allocation[5]:
                status, payable, held = "rejected", None, 0
            approved = None if status in ("requested", "rejected") else amount
            allocation[6] += held
            allocation[7] += held if status == "paid" else 0
            decided = None if status == "requested" else ts(asked + timedelta(days=2))
            paid = status == "paid"
            requests.append(
                (rid, org, allocation[0], org, "event", activity, f"Activity {rid}",
                 "A co-marketing activity.", "", 20, 4, "USD", amount, approved, payable, held,
                 status, activity + timedelta(days=60), ts(asked), decided,
                 staff if decided else None, "", ts(asked + timedelta(days=30)) if paid else None,
                 staff if paid else None, f"PAY-{rid}" if paid else "")
            )  # fmt: skip
            if status in ("claimed", "claim_approved", "paid"):
                open_claim = status == "claimed"
                claims.append(
                    (len(claims) + 1, rid, org, org, amount, 20, 4, "",
                     "submitted" if open_claim else "approved", ts(asked + timedelta(days=20)),
                     None if open_claim else ts(asked + timedelta(days=22)),
                     None if open_claim else staff, "")
                )  # fmt: skip
        rows = [tuple(allocation) for allocation in allocations.values()]
        self.w.write("mdf_allocations", ALLOCATION_COLUMNS, rows)
        self.w.write("mdf_requests", REQUEST_COLUMNS, requests)
        self.w.write("mdf_claims", CLAIM_COLUMNS, claims)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def seed(writer: BulkWriter, scale: GovernanceScale, seed_value: int) -> Seeded:
    """Write every table of the three queues; who to sign in as."""
    seeder = GovernanceSeeder(writer, scale, random.Random(seed_value))
    tokens = seeder.organisations_and_users()
    seeder.questions()
    seeder.pieces()
    seeder.mdf()
    writer.finish(TABLES)
    return Seeded(
        staff_token=tokens[seeder.staff_ids[0]],
        large_token=tokens[1],
        typical_token=tokens[scale.orgs // 2 + 1],
        rows=writer.rows_written,
    )
