"""Section 6, responsiveness to partner questions: first-response SLA attainment, median time
to the first response, and questions whose first response is overdue now.

Read like the referral figures beside them (responsiveness.py): grouped by the asking
organisation's partner type, tier and region, so the rollup adds them up per scope; medians
from histograms of tenths of an hour. The clock is the question's own (portal/questions:
asked + the topic's `first_response_hours`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.extensions import db
from portal.insights.groups import (
    ORG_GROUP,
    Rows,
    floored,
    hours_between,
    in_window,
    median,
    org_scope,
)
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.questions.models import PartnerQuestion

__all__ = ["QuestionData", "collect_questions", "question_figures"]


@dataclass
class QuestionData:
    due: tuple[Rows, Rows]  # per met (current window, previous window)
    response_tenths: tuple[Rows, Rows]  # tenths of an hour → first responses
    overdue_now: Rows


def _met() -> Any:
    return sa.and_(
        PartnerQuestion.first_responded_at.is_not(None),
        PartnerQuestion.first_responded_at <= PartnerQuestion.first_response_due_at,
    )


def overdue_now(now: datetime) -> list[Any]:
    """Not yet responded to and past the first-response due time."""
    return [
        PartnerQuestion.first_responded_at.is_(None),
        PartnerQuestion.first_response_due_at < now,
    ]


def _select(columns: list[Any], conditions: list[Any], scope: Scope) -> Rows:
    stmt = (
        sa.select(*ORG_GROUP, *columns, sa.func.count())
        .select_from(PartnerQuestion)
        .join(Organization, Organization.id == PartnerQuestion.organization_id)
        .where(*conditions, *org_scope(scope))
        .group_by(*ORG_GROUP, *columns)
    )
    return Rows(db.session.execute(stmt), keys=len(columns), regional=True)


def _window(window: Window, scope: Scope) -> tuple[Rows, Rows]:
    met = sa.case((_met(), True), else_=False)
    due = _select([met], [in_window(PartnerQuestion.first_response_due_at, window)], scope)
    tenths = floored(
        hours_between(PartnerQuestion.asked_at, PartnerQuestion.first_responded_at) * 10
    )
    answered = _select([tenths], [in_window(PartnerQuestion.first_responded_at, window)], scope)
    return due, answered


def collect_questions(period: Period, scope: Scope, now: datetime) -> QuestionData:
    """Run the questions' queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    current, previous = _window(period.current, scope), _window(period.previous, scope)
    return QuestionData(
        due=(current[0], previous[0]),
        response_tenths=(current[1], previous[1]),
        overdue_now=_select([], overdue_now(now), scope),
    )


def question_figures(data: QuestionData, scope: Scope) -> dict[str, Any]:
    """The figures for one scope: [met, due] per window, median hours, overdue now."""

    def attainment(rows: Rows) -> list[int]:
        counts = rows.by_key(scope)
        return [sum(n for met, n in counts.items() if met), sum(counts.values())]

    def hours(rows: Rows) -> float | None:
        middle = median(rows.by_key(scope))
        return None if middle is None else round(middle / 10, 1)

    return {
        "attainment": [attainment(rows) for rows in data.due],
        "median_hours": [hours(rows) for rows in data.response_tenths],
        "overdue_now": data.overdue_now.total(scope),
    }
