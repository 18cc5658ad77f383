"""What the staff pages show: an organisation's standing, and the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.standing.compute import Standing, compute_standing
from portal.standing.evaluation import last_run
from portal.standing.gather import gather_facts
from portal.standing.history import history_for
from portal.standing.models import (
    AttestedFactRecord,
    ReviewStatus,
    TierEvaluationRun,
    TierHistoryEntry,
    TierReview,
    TierStatus,
)

__all__ = [
    "OrgRecords",
    "OrgStanding",
    "ReviewQueue",
    "org_records",
    "org_standing",
    "review_queue",
]

FACTS_SHOWN = 20
REVIEWS_SHOWN = 100
GRACE_SHOWN = 100


@dataclass(frozen=True)
class OrgStanding:
    """One organisation's standing, computed now, with what the evaluation recorded."""

    organization: Organization
    standing: Standing
    status: TierStatus | None
    review: TierReview | None


@dataclass(frozen=True)
class OrgRecords:
    """The facts recorded for an organisation and its tier history, newest first."""

    facts: list[AttestedFactRecord]
    history: list[TierHistoryEntry]


def org_standing(org: Organization, program: Program, now: datetime | None = None) -> OrgStanding:
    """The organisation's standing as of now (live, not the last evaluation's)."""
    now = now or utcnow()
    facts = gather_facts([org], program, now)[org.id]
    review = db.session.scalar(
        sa.select(TierReview).where(
            TierReview.organization_id == org.id, TierReview.status == ReviewStatus.OPEN.value
        )
    )
    return OrgStanding(
        org, compute_standing(program, facts, now), db.session.get(TierStatus, org.id), review
    )


def org_records(org: Organization) -> OrgRecords:
    """The organisation's recorded facts and tier history."""
    facts = list(
        db.session.scalars(
            sa.select(AttestedFactRecord)
            .options(joinedload(AttestedFactRecord.recorded_by))
            .where(AttestedFactRecord.organization_id == org.id)
            .order_by(AttestedFactRecord.attested_on.desc(), AttestedFactRecord.id.desc())
            .limit(FACTS_SHOWN)
        )
    )
    return OrgRecords(facts, history_for(org.id))


@dataclass(frozen=True)
class ReviewQueue:
    """Open reviews (oldest first), organisations in a grace period, the last run."""

    reviews: list[TierReview]
    open_count: int
    in_grace: list[TierStatus]
    grace_count: int
    last_run: TierEvaluationRun | None


def review_queue() -> ReviewQueue:
    """The staff review queue page's data (five statements)."""
    is_open = TierReview.status == ReviewStatus.OPEN.value
    reviews = list(
        db.session.scalars(
            sa.select(TierReview)
            .options(joinedload(TierReview.organization))
            .where(is_open)
            .order_by(TierReview.created_at, TierReview.id)
            .limit(REVIEWS_SHOWN)
        )
    )
    in_grace = TierStatus.grace_tier.is_not(None)
    grace = list(
        db.session.scalars(
            sa.select(TierStatus)
            .options(joinedload(TierStatus.organization))
            .where(in_grace)
            .order_by(TierStatus.grace_ends_on, TierStatus.organization_id)
            .limit(GRACE_SHOWN)
        )
    )
    return ReviewQueue(
        reviews=reviews,
        open_count=db.session.scalar(
            sa.select(sa.func.count()).select_from(TierReview).where(is_open)
        )
        or 0,
        in_grace=grace,
        grace_count=db.session.scalar(
            sa.select(sa.func.count()).select_from(TierStatus).where(in_grace)
        )
        or 0,
        last_run=last_run(),
    )
