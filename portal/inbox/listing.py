"""The inbox list: filters from the query string, one keyset-paginated query per page.

Order: referrals with a running clock by (`next_due_at`, `id`) ascending (phase 0), then
those without one (closed: `next_due_at` is NULL) newest first by `id` descending (phase 1).
The cursor is the position (phase, due, id) of the last row shown, signed so that a tampered
cursor is ignored (first page) rather than trusted. Each phase reads its own index range
(`ix_referrals_next_due`, `ix_referrals_status_due`) with LIMIT, never OFFSET: page 500 costs
what page 1 costs. Both phases, the organisation name and the owner name come back in one
statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import STAFF_ROLES, Organization, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.ids import parse_id
from portal.inbox.cursor import Position, read_cursor, write_cursor
from portal.pagination import Page, cut_page
from portal.referrals.api import (
    CLOSED_STATUSES,
    DUE_SOON_WITHIN,
    ReferralStatus,
    SlaClock,
    as_utc,
    clock,
    normalise_company_name,
    parse_reference,
    stage_name,
)
from portal.referrals.models import Referral

__all__ = [
    "SLA_FILTERS",
    "InboxFilters",
    "InboxPage",
    "InboxRow",
    "conditions",
    "inbox_page",
    "iter_rows",
    "parse_filters",
    "staff_choices",
    "status_choices",
]

SLA_FILTERS: dict[str, str] = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "on_track": "On track",
    "stale": "Stale (answered, no update since)",
}
_TRUE = frozenset({"1", "true", "on", "yes", "y"})
_FALSE = frozenset({"", "0", "false", "off", "no", "n"})
_Q_MAX = 200
_CLOSED = tuple(str(status) for status in CLOSED_STATUSES)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox shows; parsed from the query string by `parse_filters`.

    Query-string names are the field names: status, owner, organization_id, region, sla,
    conflict, new, q. `conflict` keeps referrals the conflict check flagged (whatever their
    status now); `status=conflict` keeps the ones still waiting for a decision. `new` keeps
    the ones nobody on the partner team has opened yet.
    """

    status: str = "open"
    owner: str = ""
    organization_id: int | None = None
    region: str = ""
    sla: str = ""
    conflict: bool = False
    new: bool = False
    q: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)

    def as_args(self) -> dict[str, str]:
        """The non-default filters as query-string arguments (for links and the export)."""
        args = {
            "status": self.status if self.status != "open" else "",
            "owner": self.owner,
            "organization_id": str(self.organization_id) if self.organization_id else "",
            "region": self.region,
            "sla": self.sla,
            "conflict": "1" if self.conflict else "",
            "new": "1" if self.new else "",
            "q": self.q,
        }
        return {name: value for name, value in args.items() if value}

    @property
    def includes_closed(self) -> bool:
        """True when closed referrals can match (they come after the open ones)."""
        return not self.sla and (self.status == "all" or self.status in _CLOSED)


def status_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for the status filter: open, all, then every status."""
    choices = [("open", "Open"), ("all", "All")]
    choices += [(status, stage_name(status)) for status in _known_statuses()]
    return choices


def _known_statuses() -> list[str]:
    stages = list(current_content().program.pipeline_stages)
    extra = [ReferralStatus.CONFLICT.value, ReferralStatus.REJECTED.value]
    ordered = [ReferralStatus.SUBMITTED.value, *extra, *stages]
    return list(dict.fromkeys(ordered))


def parse_filters(args: Mapping[str, str]) -> InboxFilters:
    """Read the filters from request.args; invalid values are ignored and named in problems."""
    problems: list[str] = []

    def text(name: str) -> str:
        value = args.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    status = text("status").lower() or "open"
    if status not in {"open", "all", *_known_statuses()}:
        problems.append(f"Unknown status “{status[:50]}”: showing open referrals.")
        status = "open"

    owner = text("owner").lower()
    if owner not in ("", "me", "none") and parse_id(owner) is None:
        problems.append("Unknown owner: showing every owner.")
        owner = ""

    organization_id: int | None = None
    org_text = text("organization_id")
    if org_text:
        organization_id = parse_id(org_text)
        if organization_id is None:
            problems.append("Unknown partner organisation: showing every organisation.")

    region = text("region")
    if region and region not in current_content().program.regions:
        problems.append(f"Unknown region “{region[:50]}”: showing every region.")
        region = ""

    sla = text("sla").lower()
    if sla and sla not in SLA_FILTERS:
        problems.append("Unknown SLA state: showing every SLA state.")
        sla = ""

    conflict_text = text("conflict").lower()
    conflict = conflict_text in _TRUE
    if conflict_text not in _TRUE | _FALSE:
        problems.append("The conflict filter is on or off: showing every referral.")

    new_text = text("new").lower()
    new = new_text in _TRUE
    if new_text not in _TRUE | _FALSE:
        problems.append("The new filter is on or off: showing every referral.")

    q = " ".join(text("q").split())
    if len(q) > _Q_MAX:
        problems.append(f"The search was cut to its first {_Q_MAX} characters.")
        q = q[:_Q_MAX]

    return InboxFilters(
        status=status,
        owner=owner,
        organization_id=organization_id,
        region=region,
        sla=sla,
        conflict=conflict,
        new=new,
        q=q,
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class InboxRow:
    referral: Referral
    organization_name: str
    owner_name: str  # "" when unassigned
    clock: SlaClock | None  # None when closed
    age: timedelta  # since submission


# One page of the inbox; the cursor (`?cursor=`) is a signed Position (portal/inbox/cursor.py).
InboxPage = Page[InboxRow, str]


def inbox_page(
    filters: InboxFilters,
    viewer: User,
    cursor: str | None = None,
    now: datetime | None = None,
    limit: int = 50,
) -> InboxPage:
    """One page of the inbox after `cursor` (None or an unreadable cursor: the first page)."""
    now = as_utc(now, "now") if now is not None else utcnow()
    limit = max(1, min(limit, 500))
    after = read_cursor(cursor)
    rows, last = _fetch(filters, viewer, after, now, limit)
    next_cursor = write_cursor(last) if last is not None else None
    return InboxPage(rows, next_cursor, after=cursor if after is not None else None)


def iter_rows(
    filters: InboxFilters, viewer: User, now: datetime, batch_size: int = 1000
) -> Iterator[InboxRow]:
    """Every matching row in inbox order, fetched `batch_size` at a time (for the export)."""
    after: Position | None = None
    while True:
        rows, last = _fetch(filters, viewer, after, now, batch_size)
        yield from rows
        if last is None:
            return
        after = last


def staff_choices() -> list[tuple[int, str]]:
    """Active staff and admin users as (id, name) for the owner filter and assignment."""
    label = User.display_name
    stmt = (
        sa.select(User.id, label)
        .where(User.role.in_([str(role) for role in STAFF_ROLES]), User.active.is_(True))
        .order_by(sa.func.lower(label), User.id)
    )
    return [(user_id, name) for user_id, name in db.session.execute(stmt)]


# --- the query ---------------------------------------------------------------------------


def _fetch(
    filters: InboxFilters,
    viewer: User,
    after: Position | None,
    now: datetime,
    limit: int,
) -> tuple[list[InboxRow], Position | None]:
    """Up to `limit` rows after `after` and the position of the last one if more follow."""
    where = conditions(filters, viewer, now)
    branches = []
    if after is None or after.phase == 0:
        branches.append(_phase_branch(0, where, after, limit + 1))
    if filters.includes_closed:
        branches.append(_phase_branch(1, where, after, limit + 1))
    if not branches:
        return [], None

    page = (branches[0] if len(branches) == 1 else sa.union_all(*branches)).subquery("page")
    referral = aliased(Referral, page)
    owner = aliased(User)
    owner_name = sa.func.coalesce(owner.display_name, "")
    in_phase_order = sa.case((page.c.phase == 0, page.c.id), else_=-page.c.id)
    stmt = (
        sa.select(referral, Organization.name, owner_name, page.c.phase)
        .join(Organization, Organization.id == page.c.organization_id)
        .outerjoin(owner, owner.id == page.c.owner_id)
        .order_by(page.c.phase, page.c.next_due_at, in_phase_order)
        .limit(limit + 1)
    )
    cut = cut_page(db.session.execute(stmt).all(), limit, cursor_of=_position_of)
    rows = [_row(ref, org_name or "", name or "", now) for ref, org_name, name, _ in cut.rows]
    return rows, cut.next_cursor


def _position_of(result: sa.Row[Referral, str, str, int]) -> Position:
    referral, phase = result[0], result[3]
    return Position(phase=int(phase), due=referral.next_due_at, id=referral.id)


def _phase_branch(
    phase: int, conditions: list[Any], after: Position | None, limit: int
) -> sa.Select:
    """One phase's rows in index order with LIMIT, as a subquery a UNION ALL can hold."""
    due, ident = Referral.next_due_at, Referral.id
    where = list(conditions)
    if phase == 0:
        where.append(due.is_not(None))
        if after is not None and after.phase == 0 and after.due is not None:
            # The first term gives the index a range start; the second drops ties seen before.
            where.append(due >= after.due)
            where.append(sa.or_(due > after.due, ident > after.id))
        order: tuple[sa.UnaryExpression[Any], ...] = (due.asc(), ident.asc())
    else:
        where.append(due.is_(None))
        if after is not None and after.phase == 1:
            where.append(ident < after.id)
        order = (ident.desc(),)
    inner = (
        sa.select(*Referral.__table__.c, sa.literal_column(str(phase)).label("phase"))
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .subquery()
    )
    # SQLite refuses ORDER BY / LIMIT inside a compound SELECT's parts unless subqueried.
    return sa.select(inner)


def conditions(filters: InboxFilters, viewer: User, now: datetime) -> list[Any]:
    """The WHERE terms of the filters (the list, its export and the counts above it)."""
    where: list[Any] = []
    if filters.status == "open":
        where.append(Referral.status.not_in(_CLOSED))
    elif filters.status != "all":
        where.append(Referral.status == filters.status)

    if filters.owner == "me":
        where.append(Referral.owner_id == viewer.id)
    elif filters.owner == "none":
        where.append(Referral.owner_id.is_(None))
    elif filters.owner:
        where.append(Referral.owner_id == parse_id(filters.owner))

    if filters.organization_id is not None:
        where.append(Referral.organization_id == filters.organization_id)
    if filters.region:
        where.append(Referral.region == filters.region)
    if filters.conflict:
        where.append(Referral.conflict_reason.is_not(None))
    if filters.new:
        where.append(Referral.first_opened_at.is_(None))

    soon = now + DUE_SOON_WITHIN
    if filters.sla == "overdue":
        where.append(Referral.next_due_at < now)
    elif filters.sla == "stale":  # answered, then overdue: the staleness clock ran out
        where.append(Referral.next_due_at < now)
        where.append(Referral.first_responded_at.is_not(None))
    elif filters.sla == "due_soon":
        where.append(Referral.next_due_at.between(now, soon))
    elif filters.sla == "on_track":
        where.append(Referral.next_due_at > soon)

    if filters.q:
        where.append(_search(filters.q))
    return where


def _search(q: str) -> Any:
    """A reference finds that referral; other text matches the company name or domain."""
    referral_id = parse_reference(q)
    if referral_id is not None:
        return Referral.id == referral_id
    needle = _like_escape(q.lower())
    matches = [
        sa.func.lower(Referral.company_name).like(f"%{needle}%", escape="\\"),
        Referral.company_domain.like(f"{needle}%", escape="\\"),
    ]
    # The normalised name folds accents and punctuation, which SQLite's lower() cannot.
    name_key = normalise_company_name(q)
    if name_key:
        matches.append(Referral.company_name_key.like(f"%{_like_escape(name_key)}%", escape="\\"))
    return sa.or_(*matches)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(referral: Referral, organization_name: str, owner_name: str, now: datetime) -> InboxRow:
    due = referral.next_due_at
    return InboxRow(
        referral=referral,
        organization_name=organization_name,
        owner_name=owner_name,
        clock=clock(due, now) if due is not None and referral.is_open else None,
        age=now - referral.submitted_at,
    )
