"""The public directory's list: who is listed, the filters, the documented order, the figures.

Listed means: the organisation is active, its profile was approved at least once and its
published profile says `listed`. Nothing else of any organisation reaches a public page.

The order (shown on /partners): higher tier first (the tier's rank in program.yml, read live
from the organisation), then more certified people, then more accepted referrals, then the
partner that joined the program first (lowest organisation id). Every key is an integer: a
name as the last key made PostgreSQL compare thousands of names by locale to sort a page.
The two figures, and the lower-cased text the search box matches (`search_text`: name,
description, the profile's terms), are the profile's listing row, recomputed by
`refresh_counts` on every approval and by `flask directory refresh` (daily cron), so a page
reads one narrow row per organisation to sort, then its own rows by id (bench/directory.py
measures it at 5,000 partners). Pages are cut by keyset: the cursor is
the last organisation shown.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus
from portal.content.model import Program
from portal.db_types import utcnow
from portal.directory.models import SEARCH_TEXT_MAX, DirectoryProfile, join_ids, split_ids
from portal.directory.terms import term_names
from portal.extensions import db
from portal.learning import api as learning
from portal.pagination import Page, cut_page
from portal.referrals import api as referrals

PER_PAGE = 20
QUERY_MAX = 100
# Filter name → the profile column holding `|id|` lists it matches.
LIST_FILTERS = {
    "region": DirectoryProfile.regions,
    "country": DirectoryProfile.countries,
    "industry": DirectoryProfile.industries,
    "service": DirectoryProfile.services,
    "path": DirectoryProfile.certified_paths,
}


@dataclass(frozen=True)
class Listing:
    """A listed partner as the directory shows it."""

    profile: DirectoryProfile
    name: str
    partner_type: str
    tier: str


def listed() -> sa.ColumnElement[bool]:
    """The condition every public query carries."""
    return sa.and_(
        DirectoryProfile.listed.is_(True),
        DirectoryProfile.published_at.is_not(None),
        Organization.status == OrgStatus.ACTIVE,
    )


def _base() -> sa.Select[DirectoryProfile, str, str, str]:
    stmt = (
        sa.select(DirectoryProfile, Organization.name, Organization.partner_type, Organization.tier)
        .join(Organization, Organization.id == DirectoryProfile.organization_id)
        .where(listed())
    )
    return stmt


def _sort_keys(program: Program) -> tuple[Any, ...]:
    """Ascending keys for the documented order (descending figures negated)."""
    ranks = {tier.id: tier.rank for tier in program.tiers}
    rank = sa.case(ranks, value=Organization.tier, else_=0) if ranks else sa.literal(0)
    return (
        -rank,
        -DirectoryProfile.certified_total,
        -DirectoryProfile.accepted_referrals,
        DirectoryProfile.organization_id,
    )


def _matching(filters: dict[str, str]) -> sa.Select[int]:
    """The organisation ids of listed partners matching the filters (a narrow select)."""
    stmt = (
        sa.select(DirectoryProfile.organization_id)
        .join(Organization, Organization.id == DirectoryProfile.organization_id)
        .where(listed())
    )
    for name, column in LIST_FILTERS.items():
        if filters.get(name):
            stmt = stmt.where(column.contains(join_ids([filters[name]]), autoescape=True))
    if filters.get("type"):
        stmt = stmt.where(Organization.partner_type == filters["type"])
    if filters.get("tier"):
        stmt = stmt.where(Organization.tier == filters["tier"])
    if filters.get("q"):
        words = " ".join(filters["q"][:QUERY_MAX].lower().split())
        stmt = stmt.where(DirectoryProfile.search_text.contains(words, autoescape=True))
    return stmt


def search(
    program: Program, filters: dict[str, str], after: int | None = None, per_page: int = PER_PAGE
) -> tuple[Page[Listing, int], int]:
    """One page of listed partners matching `filters` (already checked against program.yml)
    after the cursor, and how many match in all.

    The filtering and sorting select only ids and integer keys, with the total as a window
    count over every match (a later page too: the cursor is applied after counting):
    sorting thousands of whole rows, descriptions included, made PostgreSQL spill them to
    disk. The page's rows are then read by id: two statements, whatever the page and size.
    """
    keys = _sort_keys(program)
    names = [f"k{index}" for index in range(len(keys))]
    matching = (
        _matching(filters)
        .add_columns(
            *(key.label(name) for key, name in zip(keys, names, strict=True)),
            sa.func.count().over().label("total"),
        )
        .cte("matching")
    )
    ordered = [matching.c[name] for name in names]
    stmt = sa.select(matching.c.organization_id, matching.c.total)
    if after is not None:
        # The cursor's own keys, read from the same matches: one statement per page.
        cursor = [
            sa.select(column).where(matching.c.organization_id == after).scalar_subquery()
            for column in ordered
        ]
        stmt = stmt.where(sa.tuple_(*ordered) > sa.tuple_(*cursor))
    found = db.session.execute(stmt.order_by(*ordered).limit(per_page + 1)).all()
    total = found[0][1] if found else 0
    ids = [row[0] for row in found]
    by_id = {}
    if ids:
        for row in db.session.execute(_base().where(DirectoryProfile.organization_id.in_(ids))):
            by_id[row[0].organization_id] = Listing(row[0], row[1], row[2], row[3])
    listings = [by_id[org_id] for org_id in ids if org_id in by_id]
    page = cut_page(listings, per_page, lambda item: item.profile.organization_id, after)
    return page, total


def listing_by_slug(slug: str) -> Listing | None:
    """The listed partner at `/partners/<slug>`; None for anyone not listed (or no one)."""
    row = db.session.execute(_base().where(DirectoryProfile.slug == slug)).first()
    return Listing(row[0], row[1], row[2], row[3]) if row is not None else None


def listed_pages() -> list[tuple[str, datetime | None]]:
    """(slug, published at) of every listed partner, for the sitemap."""
    stmt = (
        sa.select(DirectoryProfile.slug, DirectoryProfile.published_at)
        .join(Organization, Organization.id == DirectoryProfile.organization_id)
        .where(listed())
        .order_by(DirectoryProfile.slug)
    )
    return [(slug, published) for slug, published in db.session.execute(stmt)]


def search_text(name: str, profile: DirectoryProfile, program: Program) -> str:
    """What the search box matches: name, description and the profile's terms, lower-cased."""
    names = term_names(program)
    terms = [
        names[field].get(item, item)
        for field in names
        for item in split_ids(getattr(profile, field))
    ]
    text = " ".join([name, profile.description, *terms]).lower()
    return " ".join(text.split())[:SEARCH_TEXT_MAX]


def _search_texts(ids: list[int], program: Program | None) -> dict[int, str]:
    if program is None:
        return {}
    rows = db.session.execute(
        sa.select(DirectoryProfile, Organization.name)
        .join(Organization, Organization.id == DirectoryProfile.organization_id)
        .where(DirectoryProfile.organization_id.in_(ids))
    )
    return {profile.organization_id: search_text(name, profile, program) for profile, name in rows}


def refresh_counts(org_ids: Collection[int] | None = None, program: Program | None = None) -> int:
    """Recompute the listing figures of these organisations' profiles (None: all of them)
    from the learning and referrals doors, and with `program` their search text; returns
    how many profiles were updated."""
    ids_stmt = sa.select(DirectoryProfile.organization_id)
    if org_ids is not None:
        ids_stmt = ids_stmt.where(DirectoryProfile.organization_id.in_(list(org_ids)))
    ids = list(db.session.scalars(ids_stmt))
    if not ids:
        return 0
    certified = learning.certified_people_by_path(None if org_ids is None else ids)
    accepted = referrals.accepted_referral_counts(None if org_ids is None else ids)
    texts = _search_texts(ids, program)
    now = utcnow()
    rows = []
    for org_id in ids:
        by_path = dict(sorted(certified.get(org_id, {}).items()))
        row = {
            "organization_id": org_id,
            "certified_total": sum(by_path.values()),
            "certified_by_path": by_path,
            "certified_paths": join_ids(list(by_path)),
            "accepted_referrals": accepted.get(org_id, 0),
            "counts_refreshed_at": now,
        }
        if org_id in texts:
            row["search_text"] = texts[org_id]
        rows.append(row)
    db.session.execute(sa.update(DirectoryProfile), rows)
    return len(rows)
