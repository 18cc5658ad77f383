"""The scorecard's aggregate reads of people, enablement, engagement and commissions: one
statement per kind of figure for every quarter asked for, whatever the data size.

The reporting layer reads the features' tables directly (the design's one exception); no
feature imports this package. The referral figures are in portal/scorecard/referral_queries.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import Invite, User
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.kits.service import KIT_DOWNLOAD
from portal.learning.models import Certification, ModuleCompletion
from portal.referrals.models import Commission
from portal.scorecard.quarters import Quarter
from portal.scorecard.sql import bucket, count_when, during, per_quarter, window

__all__ = [
    "CONTENT_VIEW",
    "ActivityCounts",
    "CommissionSums",
    "PeopleCounts",
    "activity_counts",
    "commission_sums",
    "module_completions",
    "people_counts",
]

# The activity kind portal.audit records for a module, playbook or program page opened (at
# most once per user, document and day): the engagement figure "content views".
CONTENT_VIEW = "content_view"


# --- people and enablement -----------------------------------------------------------------


@dataclass(frozen=True)
class PeopleCounts:
    invited: int  # everyone invited to, or joined, the organisation by the quarter's end
    certified: int  # people holding a current certificate at the quarter's end
    certificates_issued: int  # in the quarter


def people_counts(
    organization_id: int, quarters: Sequence[Quarter], now: datetime
) -> list[PeopleCounts]:
    """People invited and people certified at each quarter's end (or now), in two statements."""
    emails = sa.union_all(
        sa.select(Invite.email.label("email"), Invite.created_at.label("at")).where(
            Invite.organization_id == organization_id
        ),
        sa.select(User.email.label("email"), User.created_at.label("at")).where(
            User.organization_id == organization_id
        ),
    ).subquery()
    email = sa.func.lower(emails.c.email)
    invited = db.session.execute(
        sa.select(
            *(
                sa.func.count(sa.distinct(sa.case((emails.c.at < _until(q, now), email)))).label(
                    f"invited_{i}"
                )
                for i, q in enumerate(quarters)
            )
        )
    ).one()
    columns = []
    for i, quarter in enumerate(quarters):
        at = _until(quarter, now)
        current = sa.and_(
            Certification.issued_at < at,
            sa.or_(Certification.revoked_at.is_(None), Certification.revoked_at >= at),
            sa.or_(Certification.expires_at.is_(None), Certification.expires_at >= at),
        )
        columns += [
            sa.func.count(sa.distinct(sa.case((current, Certification.user_id)))).label(
                f"certified_{i}"
            ),
            count_when(during(Certification.issued_at, quarter)).label(f"issued_{i}"),
        ]
    certified = db.session.execute(
        sa.select(*columns).where(Certification.organization_id == organization_id)
    ).one()
    people = per_quarter(invited, ("invited",), quarters)
    certs = per_quarter(certified, ("certified", "issued"), quarters)
    return [
        PeopleCounts(p["invited"], c["certified"], c["issued"])
        for p, c in zip(people, certs, strict=True)
    ]


def _until(quarter: Quarter, now: datetime) -> datetime:
    """Where a quarter's "by the end" figures are read: its end, or now while it runs."""
    return min(quarter.end, now)


def module_completions(organization_id: int, quarters: Sequence[Quarter]) -> list[int]:
    """Modules passed by the organisation's people in each quarter (one statement)."""
    row = db.session.execute(
        sa.select(
            *(
                count_when(during(ModuleCompletion.completed_at, q)).label(f"modules_{i}")
                for i, q in enumerate(quarters)
            )
        )
        .join(User, User.id == ModuleCompletion.user_id)
        .where(
            User.organization_id == organization_id,
            window(ModuleCompletion.completed_at, quarters),
        )
    ).one()
    return [q["modules"] for q in per_quarter(row, ("modules",), quarters)]


@dataclass(frozen=True)
class ActivityCounts:
    kit_downloads: int
    content_views: int


def activity_counts(organization_id: int, quarters: Sequence[Quarter]) -> list[ActivityCounts]:
    """Kit downloads and content views in each quarter (one statement).

    A count per quarter and kind, each an index range on `ix_activity_events_org_kind_created`
    counted from the index alone: cheaper than sorting every event of the window into quarters.
    """
    a = ActivityEvent

    def count(kind: str, quarter: Quarter) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(a)
            .where(
                a.organization_id == organization_id, a.kind == kind, during(a.created_at, quarter)
            )
            .scalar_subquery()
        )

    row = db.session.execute(
        sa.select(
            *(
                count(kind, q).label(f"{name}_{i}")
                for i, q in enumerate(quarters)
                for name, kind in (("downloads", KIT_DOWNLOAD), ("views", CONTENT_VIEW))
            )
        )
    ).one()
    return [
        ActivityCounts(q["downloads"], q["views"])
        for q in per_quarter(row, ("downloads", "views"), quarters)
    ]


# --- commissions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionSums:
    """Commission amounts per currency (minor units) for one quarter."""

    earned: dict[str, int]  # commissions created in the quarter (a deal won), any status
    paid: dict[str, int]  # paid out in the quarter


def commission_sums(organization_id: int, quarters: Sequence[Quarter]) -> list[CommissionSums]:
    """Commissions earned and paid in each quarter, per currency (one statement).

    Two index ranges, each read from the index alone: the commissions created in the window
    (`ix_commissions_org_created`) and those paid in it (`ix_commissions_org_paid`), not every
    commission the organisation ever had."""
    c = Commission
    earned_in = bucket(c.created_at, quarters)
    paid_in = bucket(c.paid_at, quarters)
    earned = (
        sa.select(
            sa.literal("earned").label("kind"),
            earned_in.label("quarter"),
            c.currency,
            sa.func.sum(c.amount_minor).label("amount"),
        )
        .where(c.organization_id == organization_id, window(c.created_at, quarters))
        .group_by(earned_in, c.currency)
    )
    paid = (
        sa.select(
            sa.literal("paid").label("kind"),
            paid_in.label("quarter"),
            c.currency,
            sa.func.sum(c.amount_minor).label("amount"),
        )
        .where(c.organization_id == organization_id, window(c.paid_at, quarters))
        .group_by(paid_in, c.currency)
    )
    rows = db.session.execute(sa.select(sa.union_all(earned, paid).subquery())).all()
    sums = [CommissionSums({}, {}) for _ in quarters]
    for kind, quarter, currency, amount in sorted(rows, key=lambda row: row.currency):
        if amount:
            figures = sums[int(quarter)]
            (figures.earned if kind == "earned" else figures.paid)[currency] = int(amount)
    return sums
