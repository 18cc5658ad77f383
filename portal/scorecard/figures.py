"""An organisation's quarterly scorecard: every figure for the quarter asked for and the three
before it, read in a fixed number of statements whatever the organisation's size: ten, and
one more while the program's average for a quarter is not stored yet (portal/scorecard/program.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.referrals.summary import open_statuses
from portal.scorecard import queries, referral_queries
from portal.scorecard.program import program_outcomes
from portal.scorecard.quarters import Quarter
from portal.scorecard.queries import ActivityCounts, CommissionSums, PeopleCounts
from portal.scorecard.referral_queries import PipelineStage, ReferralCounts

__all__ = ["QUARTERS_SHOWN", "QuarterFigures", "Ratio", "Scorecard", "scorecard_for"]

# The quarter asked for and the three before it: a year of trend for a business review.
QUARTERS_SHOWN = 4


@dataclass(frozen=True)
class Ratio:
    """A part of a whole, e.g. deals won of deals closed; no percentage without a whole."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return None if self.whole == 0 else 100.0 * self.part / self.whole

    def __str__(self) -> str:
        percent = self.percent
        return "—" if percent is None else f"{percent:.0f}%"


@dataclass(frozen=True)
class QuarterFigures:
    """Every figure of one quarter."""

    quarter: Quarter
    people: PeopleCounts
    modules_completed: int
    activity: ActivityCounts
    referrals: ReferralCounts
    program_won: int
    program_lost: int
    program_counted_at: datetime | None  # when the program's deals were counted; None: now
    median_response_seconds: float | None
    commissions: CommissionSums

    @property
    def win_rate(self) -> Ratio:
        """Deals won of deals closed (won or lost) in the quarter."""
        return Ratio(self.referrals.won, self.referrals.won + self.referrals.lost)

    @property
    def program_win_rate(self) -> Ratio:
        """The same across every organisation of the program."""
        return Ratio(self.program_won, self.program_won + self.program_lost)

    @property
    def sla_attainment(self) -> Ratio:
        """First responses on time, of referrals submitted in the quarter and due by now."""
        return Ratio(self.referrals.response_on_time, self.referrals.response_due)

    @property
    def certified_of_invited(self) -> Ratio:
        return Ratio(self.people.certified, self.people.invited)

    @property
    def median_response_hours(self) -> float | None:
        seconds = self.median_response_seconds
        return None if seconds is None else seconds / 3600


@dataclass(frozen=True)
class Scorecard:
    """The organisation's figures per quarter (oldest first; the last is the one asked for)
    and its open pipeline now."""

    organization: Organization
    quarters: tuple[QuarterFigures, ...]
    pipeline: tuple[PipelineStage, ...]  # in the program's stage order
    currency: str
    as_of: datetime

    @property
    def selected(self) -> QuarterFigures:
        return self.quarters[-1]


def scorecard_for(
    organization: Organization, quarter: Quarter, program: Program, now: datetime
) -> Scorecard:
    """The scorecard of `organization` for `quarter` and the quarters before it, as of `now`."""
    quarters = quarter.trailing(QUARTERS_SHOWN)
    org_id = organization.id
    statuses = open_statuses(program.pipeline_stages)
    people = queries.people_counts(org_id, quarters, now)
    modules = queries.module_completions(org_id, quarters)
    activity = queries.activity_counts(org_id, quarters)
    referrals = referral_queries.referral_counts(org_id, quarters, now, program.currency)
    outcomes = program_outcomes(quarters)
    medians = referral_queries.first_response_medians(org_id, quarters)
    commissions = queries.commission_sums(org_id, quarters)
    figures = tuple(
        QuarterFigures(
            quarter=q,
            people=people[i],
            modules_completed=modules[i],
            activity=activity[i],
            referrals=referrals[i],
            program_won=outcomes[i].won,
            program_lost=outcomes[i].lost,
            program_counted_at=outcomes[i].computed_at,
            median_response_seconds=medians[i],
            commissions=commissions[i],
        )
        for i, q in enumerate(quarters)
    )
    return Scorecard(
        organization=organization,
        quarters=figures,
        pipeline=tuple(_in_stage_order(referral_queries.open_pipeline(org_id, statuses), program)),
        currency=program.currency,
        as_of=now,
    )


def _in_stage_order(stages: list[PipelineStage], program: Program) -> list[PipelineStage]:
    statuses = dict.fromkeys(("submitted", "conflict", *program.pipeline_stages))
    order = {status: n for n, status in enumerate(statuses)}
    return sorted(stages, key=lambda s: (order.get(s.status, len(order)), s.status))
