"""An organisation's funds per period: hold, release, and read the balance.

The choice, and why: every organisation has one `MdfAllocation` row per period; a request
holds its amount with ONE conditional UPDATE

    UPDATE mdf_allocations SET committed_minor = committed_minor + :amount, ...
    WHERE id = :id AND committed_minor + :amount <= :allocation

and succeeds exactly when the database changed a row. There is no read-then-write in Python to
race: on PostgreSQL (READ COMMITTED) a second writer waits for the first one's row lock, then
re-evaluates the WHERE against the committed row, so fifty requests for the last funds hold
exactly what is left; SQLite runs one writer at a time. The CHECK constraint on the table
(committed between 0 and allocated + returned) is the backstop for any other statement.
Releases subtract what a request held (`MdfRequest.held_minor`), never more.

Released funds go to the period in progress, not back to the request's own period when that
one is over: a closed period can no longer be requested from, so funds given back there would
be lost to the partner (while the e-mail said they were back). The request's own allocation
still gives them up (its `committed_minor` stays the sum of what its requests hold or spent,
so the staff budget shows what each period really used), and the current period's allocation
receives them as `returned_minor`, which raises its ceiling. Both are single UPDATEs in the
same transaction, so the funds move exactly once.

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
from portal.mdf.models import MdfAllocation, MdfRequest


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
    changed). The one statement that decides is the conditional UPDATE described above. A tier
    without an allocation may still spend funds returned into the period (no row is made for it).
    """
    if amount_minor <= 0:
        return None
    tier_amount = rules.allocation_for(org.tier)
    period = period_of(today, rules)
    if tier_amount > 0:
        allocation_id: int | None = _allocation_id(org, period, org.tier, tier_amount, currency)
    else:
        allocation_id = db.session.scalar(
            sa.select(MdfAllocation.id).where(
                MdfAllocation.organization_id == org.id, MdfAllocation.period == period
            )
        )
        if allocation_id is None:
            return None
    result = updated(
        db.session.execute(
            sa.update(MdfAllocation)
            .where(
                MdfAllocation.id == allocation_id,
                MdfAllocation.committed_minor + amount_minor
                <= tier_amount + MdfAllocation.returned_minor,
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


def release(request: MdfRequest, amount_minor: int, rules: MdfRules, today: date) -> str:
    """Give back `amount_minor` of what the request holds; returns the period it went to.

    The request's own allocation gives the funds up; when that period is not the one of
    `today`, they land in the current period's allocation (created if missing) as returned
    funds. The CHECK keeps the request's allocation from going below zero.
    """
    current = period_of(today, rules)
    if amount_minor <= 0:
        return current
    original = db.session.scalar(
        sa.update(MdfAllocation)
        .where(MdfAllocation.id == request.allocation_id)
        .values(committed_minor=MdfAllocation.committed_minor - amount_minor)
        .returning(MdfAllocation.period)
        .execution_options(synchronize_session=False)
    )
    if original is None or original == current:
        return current
    org = db.session.get(Organization, request.organization_id)
    assert org is not None  # a request's organisation is never deleted
    target = _allocation_id(
        org, current, org.tier, rules.allocation_for(org.tier), request.currency
    )
    db.session.execute(
        sa.update(MdfAllocation)
        .where(MdfAllocation.id == target)
        .values(returned_minor=MdfAllocation.returned_minor + amount_minor)
        .execution_options(synchronize_session=False)
    )
    return current


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
    returned: int = 0  # released into this period from requests of earlier periods

    @property
    def available(self) -> int:
        return max(0, self.allocated + self.returned - self.committed)


def balance_of(org: Organization, rules: MdfRules, today: date) -> Balance:
    """What the organisation may still request this period (its current tier's allocation and
    what came back into the period)."""
    period = period_of(today, rules)
    row = db.session.execute(
        sa.select(MdfAllocation.committed_minor, MdfAllocation.returned_minor).where(
            MdfAllocation.organization_id == org.id, MdfAllocation.period == period
        )
    ).first()
    committed, returned = row if row is not None else (0, 0)
    return Balance(period, rules.allocation_for(org.tier), committed, returned)
