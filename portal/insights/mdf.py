"""Section 9, market development funds: what was spent against what it brought.

MDF spent is what was paid on claims in the period (`MdfRequest.paid_at`, payable amounts in the
program currency). Against it: the referrals those paid claims link (the partner names them on
the claim), how many of them are won, and their won value; the return is won value per unit of
MDF spent, the figure the article asks partner dashboards to show. Grouped by the
organisation's partner type, tier and region, like every organisation figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.extensions import db
from portal.insights.groups import ORG_GROUP, Rows, in_window, org_scope
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.mdf.models import ClaimStatus, MdfClaim, MdfClaimReferral, MdfRequest, RequestStatus
from portal.referrals.models import Referral, ReferralStatus

__all__ = ["MdfData", "collect_mdf", "mdf_figures"]

FLOWS = ("spent", "requests", "referrals", "won", "won_value")


@dataclass
class MdfData:
    flows: dict[str, tuple[Rows, Rows]]  # name → (current period, previous period)


def _window(window: Window, scope: Scope, program: Program) -> dict[str, Rows]:
    paid = (
        MdfRequest.status == RequestStatus.PAID,
        in_window(MdfRequest.paid_at, window),
        MdfRequest.currency == program.currency,
        *org_scope(scope),
    )
    spent = list(
        db.session.execute(
            sa.select(*ORG_GROUP, sa.func.count(), sa.func.sum(MdfRequest.payable_minor))
            .join(Organization, Organization.id == MdfRequest.organization_id)
            .where(*paid)
            .group_by(*ORG_GROUP)
        )
    )
    won = Referral.status == ReferralStatus.WON
    won_value = sa.case(
        (won & (Referral.deal_currency == program.currency), Referral.deal_value_minor), else_=0
    )
    linked = list(
        db.session.execute(
            sa.select(
                *ORG_GROUP,
                sa.func.count(sa.distinct(Referral.id)),
                sa.func.sum(sa.case((won, 1), else_=0)),
                sa.func.sum(won_value),
            )
            .select_from(MdfClaimReferral)
            .join(MdfClaim, MdfClaim.id == MdfClaimReferral.claim_id)
            .join(MdfRequest, MdfRequest.id == MdfClaimReferral.request_id)
            .join(Referral, Referral.id == MdfClaimReferral.referral_id)
            .join(Organization, Organization.id == MdfRequest.organization_id)
            .where(MdfClaim.status == ClaimStatus.APPROVED, *paid)
            .group_by(*ORG_GROUP)
        )
    )
    return {
        "requests": Rows(((*row[:3], row[3]) for row in spent), regional=True),
        "spent": Rows(((*row[:3], row[4]) for row in spent), regional=True),
        "referrals": Rows(((*row[:3], row[3]) for row in linked), regional=True),
        "won": Rows(((*row[:3], row[4]) for row in linked), regional=True),
        "won_value": Rows(((*row[:3], row[5]) for row in linked), regional=True),
    }


def collect_mdf(period: Period, scope: Scope, program: Program) -> MdfData:
    """Run the section's queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    current = _window(period.current, scope, program)
    previous = _window(period.previous, scope, program)
    return MdfData(flows={name: (current[name], previous[name]) for name in FLOWS})


def mdf_figures(data: MdfData, scope: Scope) -> dict[str, Any]:
    """Section 9 for one scope: each flow [now, before]."""
    return {name: [rows[0].total(scope), rows[1].total(scope)] for name, rows in data.flows.items()}
