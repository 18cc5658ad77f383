"""A drill-down page: the rows behind one figure, as a table (and its CSV).

`drill_page` checks the key, counts the rows, reads one page of them (or up to CSV_MAX_ROWS for
the CSV) and turns them into a Table whose cells link to each row's own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for

from portal.content.model import ContentIndex
from portal.extensions import db
from portal.ids import parse_id
from portal.insights.drill_queries import DRILLS, OWNER_KEY, Drill, DrillArgs
from portal.insights.scope import InsightsQuery
from portal.insights.view_model import Cell, Table, money_text
from portal.referrals.events import stage_name
from portal.referrals.models import reference_of
from portal.staff.models import MEETING_KIND_NAMES

__all__ = ["CSV_MAX_ROWS", "PER_PAGE", "DrillPage", "drill_page", "parse_page"]

PER_PAGE = 50
MAX_PAGE = 200  # deep offsets are slow and nobody pages that far
CSV_MAX_ROWS = 10_000


@dataclass(frozen=True)
class DrillPage:
    figure: str
    title: str
    table: Table
    total: int
    page: int
    has_next: bool
    problems: tuple[str, ...]
    key: str


def parse_page(text: str | None) -> tuple[int, str | None]:
    """The page number (1 to MAX_PAGE) and a message when the text was not one."""
    if not text:
        return 1, None
    number = parse_id(text)
    if number is None or number > MAX_PAGE:
        return 1, f"Choose a page from 1 to {MAX_PAGE}: showing the first."
    return number, None


def _check_key(drill: Drill, key: str, content: ContentIndex) -> tuple[str, str, str | None]:
    """(key, its words, a problem) for the requested key."""
    if not key:
        return "", "", None
    if drill.keys is None:
        return "", "", "This list takes no further choice: showing all of it."
    if drill.keys == OWNER_KEY:
        owner = 0 if key in ("0", "none") else parse_id(key)
        if owner is None:
            return "", "", "Unknown owner: showing every owner."
        return str(owner), "unassigned" if owner == 0 else "for one owner", None
    assert callable(drill.keys)
    keys = drill.keys(content)
    if key not in keys:
        return "", "", f"Unknown choice “{key[:50]}”: showing all of this list."
    return key, keys[key], None


def drill_page(
    figure: str,
    query: InsightsQuery,
    args: Mapping[str, str],
    content: ContentIndex,
    now: datetime,
    for_csv: bool = False,
) -> DrillPage | None:
    """The rows behind `figure` (None for a figure that has no list)."""
    drill = DRILLS.get(figure)
    if drill is None:
        return None
    problems = list(query.problems)
    raw_key = args.get("key", "")
    key, key_words, problem = _check_key(drill, raw_key.strip()[:101], content)
    if problem:
        problems.append(problem)
    page, problem = parse_page(args.get("page"))
    if problem:
        problems.append(problem)
    stmt = drill.build(DrillArgs(query.period.current, query.scope, key, now, content.program))
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    limit = CSV_MAX_ROWS if for_csv else PER_PAGE
    offset = 0 if for_csv else (page - 1) * PER_PAGE
    rows = list(db.session.execute(stmt.offset(offset).limit(limit)))
    title = drill.title + (f", {key_words}" if key_words else "")
    if drill.in_period:
        title += f" — {query.period.label.lower()}"
    table = ROW_TABLES[drill.kind](rows, content)
    table = Table(f"drill-{figure}", title, table.headers, table.rows, table.numeric)
    return DrillPage(
        figure=figure,
        title=title,
        table=table,
        total=total or 0,
        page=page,
        has_next=offset + len(rows) < (total or 0),
        problems=tuple(problems),
        key=key,
    )


def _when(moment: datetime | date | None) -> Cell:
    if moment is None:
        return Cell("—", raw="")
    if isinstance(moment, datetime):
        return Cell(moment.strftime("%d %b %Y"), raw=moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return Cell(moment.strftime("%d %b %Y"), raw=moment.isoformat())


def _org(org_id: int, name: str) -> Cell:
    return Cell(name, url_for("staff.org", org_id=org_id))


def _organisations(rows: list[Any], content: ContentIndex) -> Table:
    program = content.program

    def type_name(type_id: str) -> str:
        found = program.partner_type(type_id)
        return found.name if found else type_id

    def tier_name(tier_id: str) -> str:
        found = program.tier(tier_id)
        return found.name if found else tier_id

    return Table("", "", ["Organisation", "Type", "Tier", "Status", "Invited", "Activated"], [
        [_org(org_id, name), Cell(type_name(kind)), Cell(tier_name(tier)),
         Cell(status.capitalize(), raw=status), _when(created), _when(activated)]
        for org_id, name, kind, tier, status, created, activated in rows
    ])  # fmt: skip


def _referrals(rows: list[Any], content: ContentIndex) -> Table:
    headers = ["Referral", "Company", "Partner", "Region", "Stage", "Submitted", "Closed",
               "First response"]  # fmt: skip
    return Table("", "", headers, [
        [Cell(reference_of(ref_id), url_for("inbox.referral", ref=reference_of(ref_id))),
         Cell(company), _org(org_id, org_name), Cell(region),
         Cell(stage_name(status), raw=status), _when(submitted), _when(closed), _when(answered)]
        for ref_id, company, org_id, org_name, region, status, submitted, closed, answered in rows
    ])  # fmt: skip


def _certificates(rows: list[Any], content: ContentIndex) -> Table:
    def path_title(path_id: str) -> str:
        path = content.paths.get(path_id)
        return path.title if path else path_id

    return Table("", "", ["Person", "Organisation", "Learning path", "Issued", "Expires"], [
        [Cell(person), _org(org_id, org_name), Cell(path_title(path_id), raw=path_id),
         _when(issued), _when(expires)]
        for _cert_id, person, org_id, org_name, path_id, issued, expires in rows
    ])  # fmt: skip


def _people(rows: list[Any], content: ContentIndex) -> Table:
    return Table("", "", ["Person", "Organisation", "How many", "Latest"], [
        [Cell(person), _org(org_id, org_name), Cell(f"{count:,}", raw=count), _when(latest)]
        for _user_id, person, org_id, org_name, count, latest in rows
    ], frozenset({2}))  # fmt: skip


def _attempts(rows: list[Any], content: ContentIndex) -> Table:
    headers = ["Person", "Organisation", "Learning path", "Module", "Submitted", "Score", "Passed"]
    return Table("", "", headers, [
        [Cell(person), _org(org_id, org_name), Cell(path_id), Cell(module_id), _when(submitted),
         Cell("—" if score is None else f"{score} %", raw="" if score is None else score),
         Cell("Yes" if passed else "No")]
        for _id, person, org_id, org_name, path_id, module_id, submitted, score, passed in rows
    ])  # fmt: skip


def _meetings(rows: list[Any], content: ContentIndex) -> Table:
    return Table("", "", ["Date", "Kind", "Organisation", "Note"], [
        [_when(held_on), Cell(MEETING_KIND_NAMES.get(kind, kind), raw=kind),
         _org(org_id, org_name), Cell(note or "—", raw=note)]
        for _id, held_on, kind, org_id, org_name, note in rows
    ])  # fmt: skip


def _commissions(rows: list[Any], content: ContentIndex) -> Table:
    return Table("", "", ["Referral", "Partner", "Amount", "Status", "Date"], [
        [Cell(reference_of(ref_id), url_for("inbox.referral", ref=reference_of(ref_id))),
         _org(org_id, org_name), Cell(money_text(amount, currency), raw=amount),
         Cell(status.capitalize(), raw=status), _when(when)]
        for _id, ref_id, org_id, org_name, amount, currency, status, when in rows
    ], frozenset({2}))  # fmt: skip


ROW_TABLES = {
    "organisations": _organisations,
    "referrals": _referrals,
    "certificates": _certificates,
    "people": _people,
    "attempts": _attempts,
    "meetings": _meetings,
    "commissions": _commissions,
}
