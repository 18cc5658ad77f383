"""`flask scorecard refresh`: store every organisation's figures for recent closed quarters
(portal/scorecard/models.py OrgQuarter), counted by the very code the page uses live.

A closed quarter's figures still move after it closes: a referral submitted then is won later
(its cohort's "won"), answered late, corrected. The refresh therefore recounts the last
REFRESHED_CLOSED_QUARTERS closed quarters every run (daily), fills in older quarters of the
menu nothing is stored for yet, and recounts every quarter since the first row any figure
counts with `--all`; the page says when the stored figures were counted.
Each row is an INSERT ... ON CONFLICT DO UPDATE, committed per batch of organisations, so runs
on several machines at once simply store the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from portal.accounts.models import Invite, Organization, User
from portal.audit.models import ActivityEvent
from portal.db_types import insert_for_dialect
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion
from portal.referrals.models import Commission, Referral
from portal.scorecard.models import OrgQuarter
from portal.scorecard.org_quarters import count_org_quarters, row_values
from portal.scorecard.quarters import EARLIEST_YEAR, Quarter, quarter_of

__all__ = [
    "GAP_FILLED_QUARTERS",
    "REFRESHED_CLOSED_QUARTERS",
    "closed_quarters",
    "quarters_to_refresh",
    "refresh_org_quarters",
]

# The closed quarters recounted by default: the one that just closed (its late answers and
# deals settle in its first weeks) and the one before.
REFRESHED_CLOSED_QUARTERS = 2
# Further back, a quarter nothing is stored for yet is filled in: the quarters the scorecard's
# menu offers (portal/scorecard/views.py QUARTERS_OFFERED, the current one aside).
GAP_FILLED_QUARTERS = 11
_BATCH = 100  # organisations per transaction
_KEY = {"organization_id", "quarter"}
_UPDATED = tuple(c.name for c in OrgQuarter.__table__.columns if c.name not in _KEY)


# The first moment any figure can count (imported history may predate its organisation).
_FIRST_ROWS = sa.select(
    *(
        sa.select(sa.func.min(column)).scalar_subquery()
        for column in (
            Organization.created_at,
            User.created_at,
            Invite.created_at,
            Certification.issued_at,
            ModuleCompletion.completed_at,
            ActivityEvent.created_at,
            Referral.submitted_at,
            Referral.closed_at,
            Commission.created_at,
        )
    )
)


def _as_utc(moment: datetime | str) -> datetime:
    """MIN over a column keeps no column type on SQLite: text there."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def closed_quarters(now: datetime, count: int | None) -> list[Quarter]:
    """The last `count` closed quarters before `now`'s, oldest first; None: every closed
    quarter since the first row any figure counts."""
    last = quarter_of(now).preceding()
    if count is not None:
        return list(last.trailing(count))
    firsts = [moment for moment in db.session.execute(_FIRST_ROWS).one() if moment is not None]
    if not firsts:
        return []
    start = max(quarter_of(_as_utc(min(firsts))), Quarter(EARLIEST_YEAR, 1))
    quarters = [start]
    while quarters[-1] < last:
        quarters.append(quarters[-1].following())
    return [q for q in quarters if q <= last]


def quarters_to_refresh(now: datetime, count: int | None) -> list[Quarter]:
    """What a refresh recounts: the last `count` closed quarters, and before them, back to
    the oldest of the last GAP_FILLED_QUARTERS closed quarters that nothing is stored for yet
    (the first run after an install fills every quarter the menu offers); None: every closed
    quarter (`--all`)."""
    if count is None:
        return closed_quarters(now, None)
    offered = closed_quarters(now, max(count, GAP_FILLED_QUARTERS))
    stored = set(
        db.session.scalars(
            sa.select(OrgQuarter.quarter)
            .where(OrgQuarter.quarter.in_([q.label for q in offered]))
            .distinct()
        )
    )
    recent = offered[-count:]
    gaps = [q for q in offered if q.label not in stored and q < recent[0]]
    if gaps:  # only quarters with data: none before the first row any figure counts
        history = closed_quarters(now, None)
        gaps = [q for q in gaps if history and q >= history[0]]
    return offered[offered.index(gaps[0]) :] if gaps else recent


def refresh_org_quarters(
    now: datetime,
    quarters: list[Quarter],
    currency: str,
    progress: Callable[[int], None] | None = None,
    organization_ids: Sequence[int] | None = None,
) -> int:
    """Count and store the figures of every organisation (or of `organization_ids`) for
    `quarters` (consecutive, closed) as of `now`; commits per batch. Returns the number of
    organisations."""
    if not quarters:
        return 0
    chosen = sa.select(Organization.id).order_by(Organization.id)
    if organization_ids is not None:
        chosen = chosen.where(Organization.id.in_(organization_ids))
    org_ids = list(db.session.scalars(chosen))
    for n, org_id in enumerate(org_ids, start=1):
        counted = count_org_quarters(org_id, quarters, now, currency)
        rows = [
            {**row_values(org_id, q, figures, currency), "computed_at": now}
            for q, figures in zip(quarters, counted, strict=True)
        ]
        stmt = insert_for_dialect(OrgQuarter).values(rows)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[OrgQuarter.organization_id, OrgQuarter.quarter],
                set_={name: stmt.excluded[name] for name in _UPDATED},
            )
        )
        if n % _BATCH == 0:
            db.session.commit()
            if progress is not None:
                progress(n)
    db.session.commit()
    return len(org_ids)
