"""An organisation's funds per period: hold, release, and read the balance.

The choice, and why: every organisation has one `MdfAllocation` row per period; a request
holds its amount with ONE conditional UPDATE

    UPDATE mdf_allocations SET committed_minor = committed_minor + :amount, ...
    WHERE id = :id AND committed_minor + :amount <= :allocation

and succeeds exactly when the database changed a row. There is no read-then-write in Python to
race: on PostgreSQL (READ COMMITTED) a second writer waits for the first one's row lock, then
re-evaluates the WHERE against the committed row, so fifty requests for the last funds hold
exactly what is left; SQLite runs one writer at a time. The CHECK constraint on the table
(committed between 0 and allocated) is the backstop for any other statement. Releases subtract
what a request held (`MdfRequest.held_minor`), never more.

The allocation is the one of the organisation's tier when a request is made: the UPDATE sets
`allocated_minor` (and `tier`) to the current tier's amount, so an upgrade adds funds from the
next request on, and a downgrade below what is already held refuses new requests (the held
funds stay held).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.content.model_governance import MdfRules
from portal.db_types import insert_for_dialect, updated
from portal.extensions import db
from portal.mdf.models import MdfAllocation


def period_of(day: date, rules: MdfRules) -> str:
    """The funding period a day falls in: "2026-Q4", or "2026" for yearly funds."""
    if rules.period == "year":
        return f"{day.year}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _allocation_id(org: Organization, period: str, tier: str, amount: int, currency: str) -> int:
    """The organisation's allocation row for the period, created if missing (race-safe)."""
    db.session.execute(
        insert_for_dialect(MdfAllocation)
        .values(
            organization_id=org.id,
            period=period,
            tier=tier,
            currency=currency,
            allocated_minor=amount,
            committed_minor=0,
            paid_minor=0,
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "period"])
    )
    allocation_id = db.session.scalar(
        sa.select(MdfAllocation.id).where(
            MdfAllocation.organization_id == org.id, MdfAllocation.period == period
        )
    )
    assert allocation_id is not None  # inserted above or by a concurrent request
    return allocation_id


def hold(
    org: Organization, amount_minor: int, rules: MdfRules, currency: str, today: date
) -> int | None:
    """Hold `amount_minor` of the organisation's funds for the period of `today`.

    Returns the allocation's id, or None when the funds left are less than the amount (nothing
    changed). The one statement that decides is the conditional UPDATE described above.
    """
    tier_amount = rules.allocation_for(org.tier)
    if amount_minor <= 0 or tier_amount <= 0:
        return None
    allocation_id = _allocation_id(org, period_of(today, rules), org.tier, tier_amount, currency)
    result = updated(
        db.session.execute(
            sa.update(MdfAllocation)
            .where(
                MdfAllocation.id == allocation_id,
                MdfAllocation.committed_minor + amount_minor <= tier_amount,
            )
            .values(
                committed_minor=MdfAllocation.committed_minor + amount_minor,
                allocated_minor=tier_amount,
                tier=org.tier,
            )
            .execution_options(synchronize_session=False)
        )
    )
    return allocation_id if result.rowcount == 1 else None


def release(allocation_id: int, amount_minor: int) -> None:
    """Give `amount_minor` held by a request back to its allocation (the CHECK keeps it >= 0)."""
    if amount_minor <= 0:
        return
    db.session.execute(
        sa.update(MdfAllocation)
        .where(MdfAllocation.id == allocation_id)
        .values(committed_minor=MdfAllocation.committed_minor - amount_minor)
        .execution_options(synchronize_session=False)
    )


def record_paid(allocation_id: int, amount_minor: int) -> None:
    """Count a payout against the allocation (the staff budget reads it without a join)."""
    db.session.execute(
        sa.update(MdfAllocation)
        .where(MdfAllocation.id == allocation_id)
        .values(paid_minor=MdfAllocation.paid_minor + amount_minor)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Balance:
    """The organisation's funds in the current period, in minor units."""

    period: str
    allocated: int
    committed: int

    @property
    def available(self) -> int:
        return max(0, self.allocated - self.committed)


def balance_of(org: Organization, rules: MdfRules, today: date) -> Balance:
    """What the organisation may still request this period (its current tier's allocation)."""
    period = period_of(today, rules)
    committed = db.session.scalar(
        sa.select(MdfAllocation.committed_minor).where(
            MdfAllocation.organization_id == org.id, MdfAllocation.period == period
        )
    )
    return Balance(period, rules.allocation_for(org.tier), committed or 0)
