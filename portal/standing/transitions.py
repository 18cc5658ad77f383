"""What the daily evaluation does with one organisation's standing.

- Qualifies for a higher tier: upgraded at once, or a review is opened for the partner team
  (`tier_rules.upgrades_need_approval`); an upgrade the team declined is not proposed again
  for `grace_days` days.
- No longer meets its own tier: a grace period of `grace_days` starts and the partner admins
  get an e-mail saying what is missing and when it ends; when it ends with the organisation
  still below, a downgrade review is opened. Meeting the tier again ends the grace period.
- A review that no longer fits (the organisation meets its tier again, qualifies for another
  tier, or its tier was changed by hand) is withdrawn.

Tier changes go through `portal.staff.service.change_tier`, the owning feature's function.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from portal.accounts.models import Organization, User
from portal.content.model import Program, Tier
from portal.extensions import db
from portal.staff.service import change_tier
from portal.standing.compute import Standing
from portal.standing.history import record_history
from portal.standing.models import (
    HistoryKind,
    ReviewDirection,
    ReviewStatus,
    TierReview,
    TierStatus,
)
from portal.standing.notices import tell_grace_started
from portal.standing.wording import missing_lines

__all__ = ["Situation", "apply_standing", "tier_name"]


@dataclass
class Situation:
    """An organisation as the evaluation finds it: its status row, its open review, and the
    tiers whose upgrade the partner team declined recently."""

    org: Organization
    status: TierStatus
    review: TierReview | None = None
    declined_upgrades: frozenset[str] = frozenset()
    admins: list[User] = field(default_factory=list)  # its active partner admins
    recorded: list[str] = field(default_factory=list)  # history kinds written this run


def tier_name(program: Program, tier_id: str | None) -> str:
    tier = program.tier(tier_id or "")
    return tier.name if tier is not None else (tier_id or "none")


def apply_standing(
    situation: Situation, standing: Standing, program: Program, now: datetime
) -> list[str]:
    """Record what the standing means for the organisation today; the history kinds written."""
    run = _Run(situation, program, now)
    run.notice_change_by_hand()
    qualified, rank = standing.qualified, standing.current_rank
    if qualified.rank > rank:
        run.end_grace(f"Qualifies for {qualified.name}, above its tier.")
        run.withdraw_unless(ReviewDirection.UP, qualified.id, f"Qualifies for {qualified.name}.")
        run.move_up(qualified, standing)
    elif qualified.rank == rank:
        run.end_grace(f"Meets every requirement of {tier_name(program, situation.org.tier)} again.")
        run.withdraw_unless(None, None, "Meets exactly the requirements of its tier now.")
    else:
        run.withdraw_unless(ReviewDirection.DOWN, qualified.id, "Qualifies for another tier now.")
        run.fall_below(qualified, standing)
    situation.status.qualified_tier = qualified.id
    situation.status.tier_seen = situation.org.tier
    return situation.recorded


class _Run:
    """The evaluation of one organisation on one day."""

    def __init__(self, situation: Situation, program: Program, now: datetime) -> None:
        self.s, self.program, self.now = situation, program, now
        self.today: date = now.date()
        self.org, self.status = situation.org, situation.status

    def record(
        self,
        kind: str,
        message: str,
        *,
        from_tier: str | None,
        to_tier: str | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        record_history(
            self.org.id,
            kind,
            message,
            from_tier=from_tier,
            to_tier=to_tier,
            details=details,
            run_on=self.today,
            audit=kind != HistoryKind.CHANGED_BY_HAND,  # the page that changed it audited it
        )
        self.s.recorded.append(kind)

    def notice_change_by_hand(self) -> None:
        seen = self.status.tier_seen
        if seen is None or seen == self.org.tier:
            return
        self.record(
            HistoryKind.CHANGED_BY_HAND,
            f"The partner team moved it from {tier_name(self.program, seen)} to "
            f"{tier_name(self.program, self.org.tier)} on the organisation page.",
            from_tier=seen,
            to_tier=self.org.tier,
        )
        if self.status.in_grace and self.status.grace_tier != self.org.tier:
            self.status.end_grace()  # the grace period was for the tier it no longer holds
        if self.s.review is not None and self.s.review.from_tier != self.org.tier:
            self.withdraw("Its tier was changed by hand since the review was opened.")

    def end_grace(self, why: str) -> None:
        if not self.status.in_grace:
            return
        self.record(
            HistoryKind.GRACE_ENDED,
            f"Grace period ended: {why}",
            from_tier=self.org.tier,
            to_tier=self.org.tier,
        )
        self.status.end_grace()

    def withdraw(self, why: str) -> None:
        review = self.s.review
        if review is None:
            return
        review.status = ReviewStatus.WITHDRAWN
        review.decided_at = self.now
        review.decision_reason = why
        self.record(
            HistoryKind.REVIEW_WITHDRAWN,
            f"Review of the move to {tier_name(self.program, review.to_tier)} withdrawn: {why}",
            from_tier=review.from_tier,
            to_tier=review.to_tier,
            details={"review_id": review.id},
        )
        self.s.review = None

    def withdraw_unless(self, direction: str | None, to_tier: str | None, why: str) -> None:
        """Withdraw the open review unless it proposes exactly this move."""
        review = self.s.review
        if review is not None and (review.direction != direction or review.to_tier != to_tier):
            self.withdraw(why)

    def move_up(self, qualified: Tier, standing: Standing) -> None:
        if not self.program.tier_rules.upgrades_need_approval:
            before = self.org.tier
            if change_tier(None, self.org, qualified.id, self.program):
                self.record(
                    HistoryKind.UPGRADED,
                    f"Upgraded to {qualified.name}: it meets every requirement.",
                    from_tier=before,
                    to_tier=qualified.id,
                )
            return
        if self.s.review is not None or qualified.id in self.s.declined_upgrades:
            return
        met = [r.label for t in standing.tiers if t.tier.rank <= qualified.rank for r in t.results]
        self.open_review(ReviewDirection.UP, qualified, met)
        self.record(
            HistoryKind.UPGRADE_PROPOSED,
            f"Qualifies for {qualified.name}: the move waits for the partner team's review.",
            from_tier=self.org.tier,
            to_tier=qualified.id,
        )

    def fall_below(self, qualified: Tier, standing: Standing) -> None:
        missing = missing_lines(standing.missing_for_current, self.program.currency)
        if not self.status.in_grace:
            self.start_grace(qualified, missing)
        ends_on = self.status.grace_ends_on
        if ends_on is None or self.today < ends_on or self.s.review is not None:
            return
        self.open_review(ReviewDirection.DOWN, qualified, missing)
        self.record(
            HistoryKind.DOWNGRADE_PROPOSED,
            f"Still below {tier_name(self.program, self.org.tier)} when its grace period ended: "
            f"a move to {qualified.name} waits for the partner team's review.",
            from_tier=self.org.tier,
            to_tier=qualified.id,
            details={"missing": missing},
        )

    def start_grace(self, falls_to: Tier, missing: list[str]) -> None:
        tier = self.program.tier(self.org.tier)
        ends_on = self.today + timedelta(days=self.program.tier_rules.grace_days)
        self.status.grace_tier = self.org.tier
        self.status.grace_started_on = self.today
        self.status.grace_ends_on = ends_on
        told = 0
        if tier is not None:
            told = tell_grace_started(
                self.org, self.s.admins, self.program, tier, falls_to, missing, ends_on
            )
        self.record(
            HistoryKind.GRACE_STARTED,
            f"Below the requirements of {tier_name(self.program, self.org.tier)}: it keeps the "
            f"tier until {ends_on.strftime('%d %b %Y')}.",
            from_tier=self.org.tier,
            to_tier=self.org.tier,
            details={"missing": missing, "ends_on": ends_on, "admins_emailed": told},
        )

    def open_review(self, direction: str, to: Tier, reasons: list[str]) -> None:
        review = TierReview(
            organization_id=self.org.id,
            direction=direction,
            from_tier=self.org.tier,
            to_tier=to.id,
            status=ReviewStatus.OPEN,
            reasons=reasons,
            created_at=self.now,
        )
        db.session.add(review)
        self.s.review = review
