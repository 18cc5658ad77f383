"""An organisation's quarterly scorecard: every figure for the quarter asked for and the three
before it, read in a fixed number of statements whatever the organisation's size: nine on
PostgreSQL (ten on SQLite, whose median first response takes a statement of its own), and
one more while the program's average for a quarter is not stored yet (portal/scorecard/program.py).
A closed quarter's own figures come from the rollup `flask scorecard refresh` stores
(portal/scorecard/org_quarters.py), so a large partner's history costs one row per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.accounts.models import Organization
from portal.content.model import Program
from portal.referrals.summary import open_statuses
from portal.scorecard import referral_queries
from portal.scorecard.org_quarters import org_quarter_figures
from portal.scorecard.program import program_outcomes
from portal.scorecard.quarters import Quarter
from portal.scorecard.queries import ActivityCounts, CommissionSums, PeopleCounts
from portal.scorecard.question_queries import QuestionCounts, question_counts
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
    # The organisation's questions to the partner team (live: not in the closed-quarter rollup).
    questions: QuestionCounts = field(default_factory=QuestionCounts)

    @property
    def question_sla_attainment(self) -> Ratio:
        """First responses to questions on time, of those asked in the quarter and due by now."""
        return Ratio(self.questions.on_time, self.questions.due)

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
    # When the closed quarters shown were counted by `flask scorecard refresh` (the oldest
    # such count); None: every quarter shown was counted now.
    closed_counted_at: datetime | None = None

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
    own = org_quarter_figures(org_id, quarters, now, program.currency)
    outcomes = program_outcomes(quarters)
    asked = question_counts(org_id, quarters, now)
    figures = tuple(
        QuarterFigures(
            quarter=q,
            people=own.figures[i].people,
            modules_completed=own.figures[i].modules_completed,
            activity=own.figures[i].activity,
            referrals=own.figures[i].referrals,
            program_won=outcomes[i].won,
            program_lost=outcomes[i].lost,
            program_counted_at=outcomes[i].computed_at,
            median_response_seconds=own.figures[i].median_response_seconds,
            commissions=own.figures[i].commissions,
            questions=asked[i],
        )
        for i, q in enumerate(quarters)
    )
    return Scorecard(
        organization=organization,
        quarters=figures,
        pipeline=tuple(_in_stage_order(referral_queries.open_pipeline(org_id, statuses), program)),
        currency=program.currency,
        as_of=now,
        closed_counted_at=own.stored_at,
    )


def _in_stage_order(stages: list[PipelineStage], program: Program) -> list[PipelineStage]:
    statuses = dict.fromkeys(("submitted", "conflict", *program.pipeline_stages))
    order = {status: n for n, status in enumerate(statuses)}
    return sorted(stages, key=lambda s: (order.get(s.status, len(order)), s.status))
