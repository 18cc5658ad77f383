"""Section 7, commissions: earned, approved, paid and disputed in the period, and where every
commission stands now. Amounts are in the program currency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.extensions import db
from portal.insights.groups import Rows, in_window, referral_scope
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.referrals.models import Commission, CommissionDispute, CommissionStatus, Referral

__all__ = ["FLOWS", "CommissionData", "collect_commissions", "commission_figures"]

GROUP = (Organization.partner_type, Organization.tier, Referral.region)
# Each flow and the time that puts a commission in it.
FLOWS: dict[str, Any] = {
    "earned": Commission.created_at,
    "approved": Commission.approved_at,
    "paid": Commission.paid_at,
}


@dataclass
class CommissionData:
    flows: dict[str, tuple[tuple[Rows, Rows], tuple[Rows, Rows]]]  # name → (counts, amounts)
    status_now: tuple[Rows, Rows]  # per status: counts, amounts


def _select(
    columns: list[Any], conditions: list[Any], scope: Scope, program: Program, disputes: bool
) -> tuple[Rows, Rows]:
    amount = sa.case((Commission.currency == program.currency, Commission.amount_minor), else_=0)
    stmt = sa.select(*GROUP, *columns, sa.func.count(), sa.func.sum(amount))
    if disputes:
        stmt = stmt.select_from(CommissionDispute).join(
            Commission, Commission.id == CommissionDispute.commission_id
        )
    else:
        stmt = stmt.select_from(Commission)
    stmt = (
        stmt.join(Referral, Referral.id == Commission.referral_id)
        .join(Organization, Organization.id == Commission.organization_id)
        .where(*conditions, *referral_scope(scope, Referral.region))
        .group_by(*GROUP, *columns)
    )
    rows = list(db.session.execute(stmt))
    width = 3 + len(columns)
    return (
        Rows((row[: width + 1] for row in rows), keys=len(columns), regional=True),
        Rows(([*row[:width], row[width + 1]] for row in rows), keys=len(columns), regional=True),
    )


def _flows(window: Window, scope: Scope, program: Program) -> dict[str, tuple[Rows, Rows]]:
    flows = {
        name: _select([], [in_window(column, window)], scope, program, disputes=False)
        for name, column in FLOWS.items()
    }
    flows["disputed"] = _select(
        [], [in_window(CommissionDispute.opened_at, window)], scope, program, disputes=True
    )
    return flows


def collect_commissions(period: Period, scope: Scope, program: Program) -> CommissionData:
    """Run the section's queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    current = _flows(period.current, scope, program)
    previous = _flows(period.previous, scope, program)
    return CommissionData(
        flows={
            name: ((current[name][0], previous[name][0]), (current[name][1], previous[name][1]))
            for name in current
        },
        status_now=_select([Commission.status], [], scope, program, disputes=False),
    )


def commission_figures(data: CommissionData, scope: Scope) -> dict[str, Any]:
    """Section 7 for one scope: per flow [count, amount] now and before; status now."""
    counts, amounts = (rows.by_key(scope) for rows in data.status_now)
    return {
        "flows": {
            name: {
                "count": [counts_pair[0].total(scope), counts_pair[1].total(scope)],
                "amount": [amounts_pair[0].total(scope), amounts_pair[1].total(scope)],
            }
            for name, (counts_pair, amounts_pair) in data.flows.items()
        },
        "status_now": [
            [str(status), counts.get(status, 0), amounts.get(status, 0)]
            for status in CommissionStatus
        ],
    }
