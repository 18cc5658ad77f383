"""The program's average win rate per quarter: read from the stored figures, counted live for
a quarter not stored yet, refreshed by `flask scorecard refresh`.

Counting every organisation's closed deals grows with the program (hundreds of thousands of
index entries a year at a million referrals); reading four stored rows does not. A quarter's
count only changes while the quarter runs (a deal closes at the moment it is marked won or
lost), so the refresh recounts the recent quarters and the page says when they were counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db_types import insert_for_dialect
from portal.extensions import db
from portal.referrals.models import Referral, ReferralStatus
from portal.scorecard.models import ProgramQuarter
from portal.scorecard.quarters import Quarter, quarter_of

__all__ = ["REFRESHED_QUARTERS", "ProgramOutcome", "program_outcomes", "refresh_program_outcomes"]

# The refresh recounts this many quarters up to the current one: two years of trend, and
# every quarter a scorecard opens on by default.
REFRESHED_QUARTERS = 8
_WON, _LOST = ReferralStatus.WON.value, ReferralStatus.LOST.value


@dataclass(frozen=True)
class ProgramOutcome:
    """Deals won and lost across the program in a quarter; `computed_at` None: counted now."""

    won: int
    lost: int
    computed_at: datetime | None


def program_outcomes(quarters: Sequence[Quarter]) -> list[ProgramOutcome]:
    """The stored figures of the quarters (one statement), and a live count of those not
    stored yet (one more statement, only then)."""
    labels = [q.label for q in quarters]
    stored = {
        row.quarter: row
        for row in db.session.scalars(
            sa.select(ProgramQuarter).where(ProgramQuarter.quarter.in_(labels))
        )
    }
    missing = [q for q in quarters if q.label not in stored]
    counted = count_outcomes(missing) if missing else {}
    outcomes = []
    for quarter in quarters:
        row = stored.get(quarter.label)
        if row is not None:
            outcomes.append(ProgramOutcome(row.won, row.lost, row.computed_at))
        else:
            won, lost = counted[quarter.label]
            outcomes.append(ProgramOutcome(won, lost, None))
    return outcomes


def count_outcomes(quarters: Sequence[Quarter]) -> dict[str, tuple[int, int]]:
    """(won, lost) per quarter label, counted from the referrals in one statement (an index
    range per status on `ix_referrals_status_closed`)."""
    if not quarters:
        return {}
    r = Referral
    ranges = [sa.and_(r.closed_at >= q.start, r.closed_at < q.end) for q in quarters]
    which = sa.case(*((inside, q.label) for inside, q in zip(ranges, quarters, strict=True)))
    rows = db.session.execute(
        sa.select(which, r.status, sa.func.count())
        .where(r.status.in_((_WON, _LOST)), sa.or_(*ranges))
        .group_by(which, r.status)
    ).all()
    counts = {q.label: [0, 0] for q in quarters}
    for label, status, count in rows:
        counts[label][0 if status == _WON else 1] = int(count)
    return {label: (won, lost) for label, (won, lost) in counts.items()}


def refresh_program_outcomes(now: datetime, quarters: int = REFRESHED_QUARTERS) -> list[Quarter]:
    """Recount the last `quarters` quarters up to `now`'s and store them; no commit.

    One INSERT ... ON CONFLICT DO UPDATE per quarter: machines running it at once simply
    store the same counts.
    """
    recent = quarter_of(now).trailing(quarters)
    for label, (won, lost) in count_outcomes(recent).items():
        stmt = insert_for_dialect(ProgramQuarter).values(
            quarter=label, won=won, lost=lost, computed_at=now
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[ProgramQuarter.quarter],
                set_={"won": won, "lost": lost, "computed_at": now},
            )
        )
    return list(recent)
