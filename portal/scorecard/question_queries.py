"""The organisation's questions to the partner team per quarter, for the scorecard's
responsiveness section: asked, first responses due and on time, breaches, median response.

One statement for the quarters shown, live (not in the closed-quarter rollup): an
organisation asks tens of questions a quarter, and `ix_questions_org_id` finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

import sqlalchemy as sa

from portal.extensions import db
from portal.questions.models import PartnerQuestion
from portal.scorecard.quarters import Quarter

__all__ = ["QuestionCounts", "question_counts"]


@dataclass(frozen=True)
class QuestionCounts:
    """The questions asked in one quarter, read at `now`."""

    asked: int = 0
    due: int = 0  # first response due by now
    on_time: int = 0  # of those, responded by the due time
    breached: int = 0  # responded late, or not at all and past due
    median_response_seconds: float | None = None


def question_counts(
    organization_id: int, quarters: tuple[Quarter, ...], now: datetime
) -> list[QuestionCounts]:
    """Per quarter in `quarters` (consecutive, oldest first), the questions asked in it."""
    stmt = sa.select(
        PartnerQuestion.asked_at,
        PartnerQuestion.first_response_due_at,
        PartnerQuestion.first_responded_at,
    ).where(
        PartnerQuestion.organization_id == organization_id,
        PartnerQuestion.asked_at >= quarters[0].start,
        PartnerQuestion.asked_at < quarters[-1].end,
    )
    buckets: list[list[tuple[datetime, datetime, datetime | None]]] = [[] for _ in quarters]
    for asked, due, responded in db.session.execute(stmt):
        for index, quarter in enumerate(quarters):
            if quarter.start <= asked < quarter.end:
                buckets[index].append((asked, due, responded))
                break
    return [_counts(rows, now) for rows in buckets]


def _counts(
    rows: list[tuple[datetime, datetime, datetime | None]], now: datetime
) -> QuestionCounts:
    due = [(d, r) for _a, d, r in rows if d <= now or r is not None]
    on_time = sum(1 for d, r in due if r is not None and r <= d)
    breached = sum(1 for d, r in due if (r is None and d < now) or (r is not None and r > d))
    seconds = [(r - a).total_seconds() for a, _d, r in rows if r is not None]
    return QuestionCounts(
        asked=len(rows),
        due=len(due),
        on_time=on_time,
        breached=breached,
        median_response_seconds=median(seconds) if seconds else None,
    )
