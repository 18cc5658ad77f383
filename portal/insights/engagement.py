"""Section 5, engagement: active partner users, sign-ins, content views, kit use, meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.audit.models import ActivityEvent
from portal.audit.service import CONTENT_VIEW
from portal.extensions import db
from portal.insights.groups import ORG_GROUP, Rows, day_key, day_text, in_window, org_scope
from portal.insights.periods import Period, Window
from portal.insights.scope import Scope
from portal.kits.service import KIT_DOWNLOAD, TEMPLATE_COPY, TEMPLATE_DOWNLOAD
from portal.staff.models import MEETING_KIND_NAMES, Meeting

__all__ = [
    "EVENT_KINDS",
    "EngagementData",
    "collect_engagement",
    "engagement_figures",
    "meeting_days",
]

LOGIN = "login"
# The activity kinds the section counts, in the order the page lists them.
EVENT_KINDS = (LOGIN, CONTENT_VIEW, KIT_DOWNLOAD, TEMPLATE_COPY, TEMPLATE_DOWNLOAD)
GROUP = ORG_GROUP
Group = tuple[str, str, str]  # partner type, tier, region ("" for none)


@dataclass
class EngagementData:
    active_users: tuple[dict[Group, set[int]], dict[Group, set[int]]]
    events: tuple[Rows, Rows]  # per kind
    meetings: tuple[Rows, Rows]  # per kind
    daily: Rows  # per (day, kind) in the current window


def meeting_days(window: Window) -> tuple[Any, Any]:
    """The meeting dates in a window: a day counts when its midnight (UTC) falls inside."""

    def first_day_from(moment: datetime) -> Any:
        day = moment.astimezone(UTC).date()
        return day if datetime.combine(day, time(), UTC) >= moment else day + timedelta(days=1)

    return first_day_from(window.start), first_day_from(window.end)


def _events(window: Window, scope: Scope) -> Rows:
    stmt = (
        sa.select(*GROUP, ActivityEvent.kind, sa.func.count())
        .join(Organization, Organization.id == ActivityEvent.organization_id)
        .where(
            in_window(ActivityEvent.created_at, window),
            ActivityEvent.kind.in_(EVENT_KINDS),
            *org_scope(scope),
        )
        .group_by(*GROUP, ActivityEvent.kind)
    )
    return Rows(db.session.execute(stmt), keys=1, regional=True)


def _active_users(window: Window, scope: Scope) -> dict[Group, set[int]]:
    stmt = (
        sa.select(*GROUP, ActivityEvent.user_id)
        .join(Organization, Organization.id == ActivityEvent.organization_id)
        .where(in_window(ActivityEvent.created_at, window), *org_scope(scope))
        .distinct()
    )
    users: dict[Group, set[int]] = {}
    for partner_type, tier, region, user_id in db.session.execute(stmt):
        users.setdefault((partner_type, tier, region), set()).add(user_id)
    return users


def _meetings(window: Window, scope: Scope) -> Rows:
    first, last = meeting_days(window)
    stmt = (
        sa.select(*GROUP, Meeting.kind, sa.func.count())
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(Meeting.held_on >= first, Meeting.held_on < last, *org_scope(scope))
        .group_by(*GROUP, Meeting.kind)
    )
    return Rows(db.session.execute(stmt), keys=1, regional=True)


def _daily(window: Window, scope: Scope) -> Rows:
    day = day_text(ActivityEvent.created_at)
    stmt = (
        sa.select(*GROUP, day, ActivityEvent.kind, sa.func.count())
        .join(Organization, Organization.id == ActivityEvent.organization_id)
        .where(
            in_window(ActivityEvent.created_at, window),
            ActivityEvent.kind.in_(EVENT_KINDS),
            *org_scope(scope),
        )
        .group_by(*GROUP, day, ActivityEvent.kind)
    )
    rows = (
        (t, tier, region, day_key(d), kind, n)
        for t, tier, region, d, kind, n in db.session.execute(stmt)
    )
    return Rows(rows, keys=2, regional=True)


def collect_engagement(period: Period, scope: Scope) -> EngagementData:
    """Run the section's queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    windows = (period.current, period.previous)
    return EngagementData(
        active_users=(_active_users(windows[0], scope), _active_users(windows[1], scope)),
        events=(_events(windows[0], scope), _events(windows[1], scope)),
        meetings=(_meetings(windows[0], scope), _meetings(windows[1], scope)),
        daily=_daily(windows[0], scope),
    )


def engagement_figures(data: EngagementData, scope: Scope) -> dict[str, Any]:
    """Section 5 for one scope."""

    def active(users: dict[Group, set[int]]) -> int:
        admitted = [ids for group, ids in users.items() if scope.admits(*group)]
        return len(set().union(*admitted)) if admitted else 0

    events = [rows.by_key(scope) for rows in data.events]
    meetings = [rows.by_key(scope) for rows in data.meetings]
    return {
        "active_users": [active(data.active_users[0]), active(data.active_users[1])],
        "events": {kind: [events[0].get(kind, 0), events[1].get(kind, 0)] for kind in EVENT_KINDS},
        "meetings": {
            kind: [meetings[0].get(kind, 0), meetings[1].get(kind, 0)]
            for kind in MEETING_KIND_NAMES
        },
        "daily": sorted([day, kind, n] for (day, kind), n in data.daily.by_keys(scope).items()),
    }
