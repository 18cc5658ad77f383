"""Section 6, responsiveness: first-response SLA attainment, first-response time, stale
referrals, overall and per owner (the partner-team member a referral is assigned to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.extensions import db
from portal.insights.flags import stale_referral
from portal.insights.groups import Rows, floored, hours_between, in_window, median, referral_scope
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.referrals.models import CLOSED_STATUSES, Referral

__all__ = [
    "ResponsivenessData",
    "collect_responsiveness",
    "first_response_met",
    "first_response_overdue",
    "responsiveness_figures",
]

GROUP = (Organization.partner_type, Organization.tier, Referral.region)
OWNER = sa.func.coalesce(Referral.owner_id, 0)  # 0: nobody owns it
_CLOSED = tuple(str(status) for status in CLOSED_STATUSES)


def first_response_met() -> Any:
    return sa.and_(
        Referral.first_responded_at.is_not(None),
        Referral.first_responded_at <= Referral.first_response_due_at,
    )


def first_response_overdue(now: datetime) -> list[Any]:
    return [
        Referral.status.not_in(_CLOSED),
        Referral.first_responded_at.is_(None),
        Referral.next_due_at < now,
    ]


@dataclass
class ResponsivenessData:
    due: tuple[Rows, Rows]  # per (owner, met)
    response_tenths: tuple[Rows, Rows]  # histogram: tenths of an hour → first responses
    owner_hours: Rows  # histogram per (owner, whole hours), current window
    stale_now: Rows  # per owner
    overdue_now: Rows  # per owner
    owner_names: dict[int, str]


def _select(columns: list[Any], conditions: list[Any], scope: Scope) -> Rows:
    stmt = (
        sa.select(*GROUP, *columns, sa.func.count())
        .select_from(Referral)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(*conditions, *referral_scope(scope, Referral.region))
        .group_by(*GROUP, *columns)
    )
    return Rows(db.session.execute(stmt), keys=len(columns), regional=True)


def _window(window: Window, scope: Scope) -> tuple[Rows, Rows]:
    met = sa.case((first_response_met(), True), else_=False)
    due = _select([OWNER, met], [in_window(Referral.first_response_due_at, window)], scope)
    tenths = floored(hours_between(Referral.submitted_at, Referral.first_responded_at) * 10)
    answered = _select([tenths], [in_window(Referral.first_responded_at, window)], scope)
    return due, answered


def _owner_hours(window: Window, scope: Scope) -> Rows:
    """Per owner to the whole hour: ten times fewer rows for the rollup to add up per scope."""
    hours = floored(hours_between(Referral.submitted_at, Referral.first_responded_at))
    return _select([OWNER, hours], [in_window(Referral.first_responded_at, window)], scope)


def collect_responsiveness(period: Period, scope: Scope, now: datetime) -> ResponsivenessData:
    """Run the section's queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    current, previous = _window(period.current, scope), _window(period.previous, scope)
    owner_hours = _owner_hours(period.current, scope)
    stale_now = _select([OWNER], stale_referral(now), scope)
    overdue_now = _select([OWNER], first_response_overdue(now), scope)
    owners = {
        owner
        for rows in (current[0], owner_hours, stale_now, overdue_now)
        for entries in rows.groups.values()
        for (owner, *_), _count in entries
        if owner
    }
    return ResponsivenessData(
        due=(current[0], previous[0]),
        response_tenths=(current[1], previous[1]),
        owner_hours=owner_hours,
        stale_now=stale_now,
        overdue_now=overdue_now,
        owner_names=_names(owners),
    )


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    label = sa.func.coalesce(sa.func.nullif(User.name, ""), User.email)
    stmt = sa.select(User.id, label).where(User.id.in_(sorted(user_ids)))
    return dict(db.session.execute(stmt).all())


def _hours(tenths: dict[Any, int]) -> float | None:
    middle = median(tenths)
    return None if middle is None else round(middle / 10, 1)


def responsiveness_figures(data: ResponsivenessData, scope: Scope) -> dict[str, Any]:
    """Section 6 for one scope; per owner: due, met, median hours, stale and overdue now."""
    due = [rows.by_keys(scope) for rows in data.due]
    owner_hours = data.owner_hours.by_keys(scope)
    stale_now = data.stale_now.by_key(scope)
    overdue_now = data.overdue_now.by_key(scope)

    def attainment(counts: dict[tuple[Any, ...], int], owner: int | None = None) -> list[int]:
        met = sum(n for (o, ok), n in counts.items() if ok and owner in (None, o))
        return [met, sum(n for (o, _), n in counts.items() if owner in (None, o))]

    per_owner: dict[int, dict[int, int]] = {}
    for (o, h), n in owner_hours.items():
        per_owner.setdefault(o, {})[h] = n

    def hours_of(owner: int) -> float | None:
        return median(per_owner.get(owner, {}))

    owners = sorted(
        {o for (o, _) in due[0]}
        | {o for (o, _) in owner_hours}
        | set(stale_now)
        | set(overdue_now),
        key=lambda o: (o == 0, data.owner_names.get(o, "").lower(), o),
    )
    return {
        "attainment": [attainment(due[0]), attainment(due[1])],
        "median_hours": [_hours(rows.by_key(scope)) for rows in data.response_tenths],
        "stale_now": sum(stale_now.values()),
        "overdue_now": sum(overdue_now.values()),
        "owners": [
            {
                "owner": owner,
                "name": data.owner_names.get(owner, "Unassigned" if owner == 0 else "—"),
                "attainment": attainment(due[0], owner),
                "median_hours": hours_of(owner),  # to the hour
                "stale_now": stale_now.get(owner, 0),
                "overdue_now": overdue_now.get(owner, 0),
            }
            for owner in owners
        ],
    }
