"""Reading commissions: the partner's earnings, the staff list, rows locked for a change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.access import scoped_to_org
from portal.accounts.models import Organization, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.money import format_money
from portal.pagination import Page, cut_page
from portal.referrals.commission_lifecycle import amount_text
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    CommissionStatus,
    Referral,
    reference_of,
)

TOTAL_STATUSES = (
    CommissionStatus.PENDING,
    CommissionStatus.APPROVED,
    CommissionStatus.PAID,
    CommissionStatus.DISPUTED,
)
STAFF_PAGE_SIZE = 50
# The staff list's filter for pending commissions whose hold is over (Commission.is_approvable).
READY = "ready"
WORK_QUEUES = frozenset(
    {READY, CommissionStatus.PENDING, CommissionStatus.APPROVED, CommissionStatus.DISPUTED}
)


@dataclass(frozen=True)
class _CommissionLine:
    """A commission as a list shows it: its referral's reference and its amount in words."""

    commission: Commission

    @property
    def reference(self) -> str:
        return reference_of(self.commission.referral_id)

    @property
    def amount(self) -> str:
        return amount_text(self.commission)


@dataclass(frozen=True)
class EarningsRow(_CommissionLine):
    """One commission on the partner's earnings page, with its disputes."""

    company_name: str
    open_dispute: CommissionDispute | None
    last_answered: CommissionDispute | None

    @property
    def deal_value(self) -> str:
        return format_money(self.commission.deal_value_minor, self.commission.currency)


@dataclass(frozen=True)
class Earnings:
    """An organisation's commissions, newest first, and totals per status and currency."""

    rows: list[EarningsRow]
    totals: dict[str, dict[str, int]]  # status -> currency -> minor units

    def total(self, status: str, currency: str) -> str:
        """The status's total as text; several currencies are listed side by side."""
        amounts = self.totals.get(status) or {currency: 0}
        return " + ".join(format_money(minor, code) for code, minor in sorted(amounts.items()))

    def row(self, commission_id: int) -> EarningsRow | None:
        return next((r for r in self.rows if r.commission.id == commission_id), None)


def earnings_for(organization_id: int) -> Earnings:
    """The organisation's commissions with their referral and disputes, in two queries."""
    results = db.session.execute(
        sa.select(Commission, Referral.company_name)
        .join(Referral, Referral.id == Commission.referral_id)
        .where(Commission.organization_id == organization_id)
        .order_by(Commission.id.desc())
    ).all()
    open_disputes: dict[int, CommissionDispute] = {}
    answered: dict[int, CommissionDispute] = {}
    if results:
        disputes = db.session.scalars(
            sa.select(CommissionDispute)
            .where(CommissionDispute.organization_id == organization_id)
            .order_by(CommissionDispute.id)
        )
        for dispute in disputes:  # oldest first: the last answered one wins
            target = open_disputes if dispute.resolved_at is None else answered
            target[dispute.commission_id] = dispute
    rows: list[EarningsRow] = []
    totals: dict[str, dict[str, int]] = {}
    for commission, company_name in results:
        rows.append(
            EarningsRow(
                commission,
                company_name,
                open_disputes.get(commission.id),
                answered.get(commission.id),
            )
        )
        per_currency = totals.setdefault(commission.status, {})
        per_currency[commission.currency] = (
            per_currency.get(commission.currency, 0) + commission.amount_minor
        )
    return Earnings(rows=rows, totals=totals)


@dataclass(frozen=True)
class StaffRow(_CommissionLine):
    """One commission in the staff list, with its partner and open dispute."""

    organization_name: str
    company_name: str
    open_dispute: CommissionDispute | None
    ready: bool  # Commission.is_approvable when the row was read: the Approve button shows


# A page of the staff list of commissions; the cursor (`?after=`) is a commission id.
StaffPage = Page[StaffRow, int]


def _staff_select() -> sa.Select:
    return (
        sa.select(Commission, Organization.name, Referral.company_name, CommissionDispute)
        .join(Organization, Organization.id == Commission.organization_id)
        .join(Referral, Referral.id == Commission.referral_id)
        .outerjoin(
            CommissionDispute,
            sa.and_(
                CommissionDispute.commission_id == Commission.id,
                CommissionDispute.resolved_at.is_(None),
            ),
        )
    )


def commissions_for_staff(
    status: str | None,
    cursor: int | None = None,
    per_page: int = STAFF_PAGE_SIZE,
    now: datetime | None = None,
) -> StaffPage:
    """A page of commissions in one query (keyset on id); `status` may be READY.

    Work queues (ready, pending, approved, disputed) read oldest first, so what can be acted
    on comes first; paid ones and the unfiltered list read newest first.
    """
    now = now or utcnow()
    ascending = status in WORK_QUEUES
    stmt = _staff_select()
    if status == READY:
        stmt = stmt.where(Commission.is_approvable(now))
    elif status:
        stmt = stmt.where(Commission.status == status)
    if cursor is not None:
        stmt = stmt.where(Commission.id > cursor if ascending else Commission.id < cursor)
    order = Commission.id.asc() if ascending else Commission.id.desc()
    results = db.session.execute(stmt.order_by(order).limit(per_page + 1)).all()
    page = cut_page(results, per_page, cursor_of=lambda result: result[0].id, after=cursor)
    return page.map(lambda result: _staff_row(result, now))


def ready_to_approve_count(now: datetime | None = None) -> int:
    """How many commissions staff can approve now (pending, hold over)."""
    stmt = sa.select(sa.func.count()).where(Commission.is_approvable(now or utcnow()))
    return db.session.scalar(stmt) or 0


def _staff_row(result: sa.Row, now: datetime) -> StaffRow:
    commission, organization_name, company_name, dispute = result
    return StaffRow(
        commission, organization_name, company_name, dispute, commission.is_approvable(now)
    )


def staff_row(commission_id: int, now: datetime | None = None) -> StaffRow | None:
    """One commission as the staff list shows it (after an action), in one query."""
    result = db.session.execute(_staff_select().where(Commission.id == commission_id)).first()
    return _staff_row(result, now or utcnow()) if result else None


def lock_commission(commission_id: int, user: User) -> Commission | None:
    """The commission the user may act on, locked until commit; None if unknown to them."""
    stmt = (
        sa.select(Commission)
        .where(Commission.id == commission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(scoped_to_org(stmt, Commission.organization_id, user))


def lock_dispute(dispute_id: int, user: User) -> CommissionDispute | None:
    """The dispute with its commission locked (commission first, as every action locks)."""
    commission_id = db.session.scalar(
        sa.select(CommissionDispute.commission_id).where(CommissionDispute.id == dispute_id)
    )
    if commission_id is None or lock_commission(commission_id, user) is None:
        return None
    return db.session.scalar(
        sa.select(CommissionDispute)
        .where(CommissionDispute.id == dispute_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def referral_ids_of_commissions(commission_ids: set[int]) -> dict[int, int]:
    """Each commission's referral id, for the given commissions, in one query."""
    if not commission_ids:
        return {}
    rows = db.session.execute(
        sa.select(Commission.id, Commission.referral_id).where(Commission.id.in_(commission_ids))
    )
    return {key: value for key, value in rows}  # noqa: C416 (Row pairs)
