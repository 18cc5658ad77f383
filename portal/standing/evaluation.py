"""`flask tiers evaluate`: judge every organisation once a day and record what changed.

Safe to run on several machines at once, and more than once a day:
- each batch locks the status rows it takes (SELECT ... FOR UPDATE SKIP LOCKED on
  PostgreSQL), so two machines share the organisations out and never judge one twice;
  SQLite (one machine) serialises whole transactions instead (portal/database.py);
- an organisation judged today (`TierStatus.evaluated_on`) is not judged again today, so a
  second run the same day changes nothing;
- each batch commits on its own: a run that dies part-way keeps what it finished, and the
  next run carries on with the rest.
Statements per batch are constant (the facts of the whole batch in five; reviews, recent
declines and partner admins in one each), whatever the number of organisations; the writes of
a batch are flushed together at its end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.standing.compute import compute_standing
from portal.standing.gather import EVALUATED_STATUSES, gather_facts
from portal.standing.models import (
    ReviewDirection,
    ReviewStatus,
    TierEvaluationRun,
    TierReview,
    TierStatus,
)
from portal.standing.notices import partner_admins
from portal.standing.transitions import Situation, apply_standing

__all__ = ["BATCH_SIZE", "EvaluationReport", "evaluate_all", "last_run"]

BATCH_SIZE = 500


@dataclass
class EvaluationReport:
    """What one run did: organisations judged, and the history entries written by kind."""

    run_on: date
    organizations: int = 0
    changes: Counter[str] = field(default_factory=Counter)

    @property
    def total_changes(self) -> int:
        return sum(self.changes.values())


def evaluate_all(
    program: Program, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> EvaluationReport:
    """Judge every organisation not yet judged today; commits after each batch."""
    if not program.tiers:
        raise ValueError("the program has no tiers")
    now = now or utcnow()
    report = EvaluationReport(now.date())
    _start_run(report.run_on, now)
    _add_missing_statuses()
    db.session.commit()
    while True:
        batch = _claim_batch(report.run_on, batch_size)
        if not batch:
            break
        changes = _evaluate_batch(batch, program, now)
        report.organizations += len(batch)
        report.changes.update(changes)
        _count_in_run(report.run_on, len(batch), sum(changes.values()))
        db.session.commit()
    db.session.execute(
        sa.update(TierEvaluationRun)
        .where(TierEvaluationRun.run_on == report.run_on)
        .values(finished_at=utcnow())
    )
    db.session.commit()
    return report


def last_run() -> TierEvaluationRun | None:
    """The latest day's run, for pages that say how fresh the tier standing is."""
    return db.session.scalar(
        sa.select(TierEvaluationRun).order_by(TierEvaluationRun.run_on.desc()).limit(1)
    )


def _start_run(run_on: date, now: datetime) -> None:
    db.session.execute(
        insert_for_dialect(TierEvaluationRun)
        .values(run_on=run_on, started_at=now, organizations=0, changes=0)
        .on_conflict_do_nothing(index_elements=["run_on"])
    )


def _add_missing_statuses() -> None:
    """A status row for every organisation the evaluation judges (one statement)."""
    without_status = sa.select(Organization.id).where(
        Organization.status.in_(EVALUATED_STATUSES),
        ~sa.exists().where(TierStatus.organization_id == Organization.id),
    )
    db.session.execute(
        insert_for_dialect(TierStatus)
        .from_select(["organization_id"], without_status)
        .on_conflict_do_nothing(index_elements=["organization_id"])
    )


def _claim_batch(run_on: date, size: int) -> list[tuple[Organization, TierStatus]]:
    """Lock up to `size` organisations not yet judged today (skipping ones another holds)."""
    rows = db.session.execute(
        sa.select(Organization, TierStatus)
        .join(TierStatus, TierStatus.organization_id == Organization.id)
        .where(
            Organization.status.in_(EVALUATED_STATUSES),
            sa.or_(TierStatus.evaluated_on.is_(None), TierStatus.evaluated_on < run_on),
        )
        .order_by(Organization.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return [(org, status) for org, status in rows]


def _evaluate_batch(
    batch: list[tuple[Organization, TierStatus]], program: Program, now: datetime
) -> Counter[str]:
    orgs = [org for org, _ in batch]
    ids = [org.id for org in orgs]
    facts = gather_facts(orgs, program, now)
    reviews = _open_reviews(ids)
    declined = _declined_upgrades(ids, now - timedelta(days=program.tier_rules.grace_days))
    admins = partner_admins(ids)
    changes: Counter[str] = Counter()
    for org, status in batch:
        situation = Situation(
            org, status, reviews.get(org.id), declined.get(org.id, frozenset()), admins[org.id]
        )
        standing = compute_standing(program, facts[org.id], now)
        changes.update(apply_standing(situation, standing, program, now))
        status.evaluated_on = now.date()
    return changes


def _open_reviews(ids: list[int]) -> dict[int, TierReview]:
    reviews = db.session.scalars(
        sa.select(TierReview).where(
            TierReview.organization_id.in_(ids), TierReview.status == ReviewStatus.OPEN.value
        )
    )
    return {review.organization_id: review for review in reviews}


def _declined_upgrades(ids: list[int], since: datetime) -> dict[int, frozenset[str]]:
    rows = db.session.execute(
        sa.select(TierReview.organization_id, TierReview.to_tier).where(
            TierReview.organization_id.in_(ids),
            TierReview.status == ReviewStatus.DECLINED.value,
            TierReview.direction == ReviewDirection.UP.value,
            TierReview.decided_at > since,
        )
    )
    declined: dict[int, set[str]] = {}
    for org_id, tier in rows:
        declined.setdefault(org_id, set()).add(tier)
    return {org_id: frozenset(tiers) for org_id, tiers in declined.items()}


def _count_in_run(run_on: date, organizations: int, changes: int) -> None:
    db.session.execute(
        sa.update(TierEvaluationRun)
        .where(TierEvaluationRun.run_on == run_on)
        .values(
            organizations=TierEvaluationRun.organizations + organizations,
            changes=TierEvaluationRun.changes + changes,
        )
    )
