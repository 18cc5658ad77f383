"""The inbox list: filters, search, the default order and keyset pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.db_types import utcnow
from portal.extensions import db
from portal.inbox.listing import (
    InboxFilters,
    inbox_page,
    parse_filters,
    staff_choices,
    status_choices,
)
from portal.referrals.api import DUE_SOON_WITHIN
from portal.referrals.models import Referral
from tests.conftest import new_org, new_referral, new_user

NOW = utcnow().replace(microsecond=0)


def _ids(page) -> list[int]:
    return [row.referral.id for row in page.rows]


def _set(referral, **fields):
    for name, value in fields.items():
        setattr(referral, name, value)
    db.session.commit()
    return referral


def _close(referral, status="won"):
    return _set(referral, status=status, next_due_at=None, closed_at=NOW)


def _all_pages(filters, viewer, limit):
    ids, cursor, pages = [], None, 0
    while True:
        page = inbox_page(filters, viewer, cursor=cursor, now=NOW, limit=limit)
        ids += _ids(page)
        pages += 1
        assert pages < 100, "pagination does not end"
        if page.next_cursor is None:
            return ids, pages
        cursor = page.next_cursor


# --- parsing ---------------------------------------------------------------------------------


def test_parse_filters_defaults(app):
    filters = parse_filters({})
    assert filters == InboxFilters()
    assert filters.status == "open" and filters.problems == ()
    assert filters.as_args() == {}


def test_parse_filters_reads_every_filter(app):
    filters = parse_filters(
        {
            "status": "Accepted",
            "owner": "me",
            "organization_id": "7",
            "region": "Europe",
            "sla": "overdue",
            "conflict": "1",
            "q": "  acme   widgets ",
        }
    )
    assert filters == InboxFilters(
        status="accepted",
        owner="me",
        organization_id=7,
        region="Europe",
        sla="overdue",
        conflict=True,
        q="acme widgets",
    )
    assert filters.problems == ()
    assert parse_filters(filters.as_args()) == filters


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"status": "bogus"}, InboxFilters()),
        ({"owner": "someone"}, InboxFilters()),
        ({"owner": "-3"}, InboxFilters()),
        ({"owner": "99999999999999"}, InboxFilters()),
        ({"organization_id": "x1"}, InboxFilters()),
        ({"region": "Atlantis"}, InboxFilters()),
        ({"sla": "late"}, InboxFilters()),
        ({"conflict": "maybe"}, InboxFilters()),
    ],
)
def test_invalid_filters_are_ignored_and_reported(app, args, expected):
    filters = parse_filters(args)
    assert filters == expected
    assert len(filters.problems) == 1


def test_overlong_search_is_cut(app):
    filters = parse_filters({"q": "x" * 500})
    assert len(filters.q) == 200 and filters.problems


def test_choices(app, staff_user, admin_user, make_user):
    make_user(Role.STAFF, None, email="gone@vendor.example", name="Gone", active=False)
    assert staff_choices() == [(admin_user.id, "Ada Admin"), (staff_user.id, "Sam Staff")]
    values = [value for value, _ in status_choices()]
    assert values[:2] == ["open", "all"]
    assert {"submitted", "conflict", "rejected", "accepted", "won", "lost"} <= set(values)


# --- filters and search -------------------------------------------------------------------


@pytest.fixture
def spread(partner_user, other_partner, staff_user, admin_user, make_referral):
    """Five referrals, one of each kind a filter should pick out."""
    mine = make_referral(
        partner_user,
        now=NOW,
        company_name="Alpha Analytics",
        company_website="alpha-analytics.com",
        region="Europe",
    )
    _set(mine, owner_id=staff_user.id, next_due_at=NOW - timedelta(hours=1))
    # Names without digits: the default "Northwind Traders {n}" matched "100%" once n was 100.
    theirs = make_referral(
        other_partner,
        now=NOW,
        company_name="Theirs Handel",
        company_website="theirs.de",
        region="North America",
    )
    _set(theirs, owner_id=admin_user.id, next_due_at=NOW + DUE_SOON_WITHIN - timedelta(hours=1))
    unowned = make_referral(
        partner_user,
        now=NOW,
        company_name="Beta Bricks",
        company_website="https://beta-bricks.co.uk",
    )
    _set(unowned, next_due_at=NOW + timedelta(days=3))
    conflict = make_referral(
        other_partner, now=NOW, company_name="Beta Bricks Ltd", company_website="beta-bricks.co.uk"
    )
    won = make_referral(
        partner_user, now=NOW, company_name="Gamma 100% Growth", company_website="gamma.fr"
    )
    _close(won)
    return {"mine": mine, "theirs": theirs, "unowned": unowned, "conflict": conflict, "won": won}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["mine", "theirs", "unowned", "conflict"]),
        ({"status": "all"}, ["mine", "theirs", "unowned", "conflict", "won"]),
        ({"status": "won"}, ["won"]),
        ({"status": "conflict"}, ["conflict"]),
        ({"status": "submitted"}, ["mine", "theirs", "unowned"]),
        ({"owner": "me"}, ["mine"]),
        ({"owner": "none"}, ["unowned", "conflict"]),
        ({"owner": "ADMIN"}, ["theirs"]),
        ({"organization_id": "OTHER"}, ["theirs", "conflict"]),
        ({"region": "North America"}, ["theirs"]),
        ({"sla": "overdue"}, ["mine"]),
        ({"sla": "due_soon"}, ["theirs"]),
        ({"sla": "on_track"}, ["unowned", "conflict"]),
        ({"status": "all", "sla": "overdue"}, ["mine"]),
        ({"conflict": "1"}, ["conflict"]),
        ({"q": "alpha"}, ["mine"]),
        ({"q": "ALPHA analytics"}, ["mine"]),
        ({"q": "beta-bricks"}, ["unowned", "conflict"]),
        ({"q": "100%", "status": "all"}, ["won"]),
        ({"q": "%", "status": "all"}, ["won"]),
        ({"q": "_", "status": "all"}, []),
        ({"q": "nothing like it"}, []),
    ],
)
def test_each_filter_narrows(app, spread, staff_user, admin_user, other_partner, args, expected):
    args = {
        name: str(admin_user.id)
        if value == "ADMIN"
        else str(other_partner.organization_id)
        if value == "OTHER"
        else value
        for name, value in args.items()
    }
    page = inbox_page(parse_filters(args), staff_user, now=NOW)
    by_id = {referral.id: name for name, referral in spread.items()}
    assert sorted(by_id[i] for i in _ids(page)) == sorted(expected)


def test_search_by_reference(app, spread, staff_user):
    won = spread["won"]
    for text in (won.reference, won.reference.lower(), str(won.id)):
        page = inbox_page(parse_filters({"q": text, "status": "all"}), staff_user, now=NOW)
        assert _ids(page) == [won.id]
    # A reference filters by id; the status filter still applies (won is closed).
    assert inbox_page(parse_filters({"q": won.reference}), staff_user, now=NOW).rows == []


def test_rows_carry_names_clock_and_age(app, spread, staff_user):
    page = inbox_page(parse_filters({"status": "all"}), staff_user, now=NOW + timedelta(hours=2))
    rows = {row.referral.id: row for row in page.rows}
    mine = rows[spread["mine"].id]
    assert mine.organization_name == "Acme Referrals"
    assert mine.owner_name == "Sam Staff"
    assert mine.clock is not None and mine.clock.state == "overdue"
    assert mine.age == timedelta(hours=2)
    assert rows[spread["unowned"].id].owner_name == ""
    assert rows[spread["unowned"].id].clock.state == "on_track"
    assert rows[spread["won"].id].clock is None


# --- order and keyset pagination -----------------------------------------------------------


def test_default_order_is_next_due(app, partner_user, staff_user, make_referral):
    later = _set(make_referral(partner_user, now=NOW), next_due_at=NOW + timedelta(days=2))
    sooner = _set(make_referral(partner_user, now=NOW), next_due_at=NOW - timedelta(days=1))
    middle = _set(make_referral(partner_user, now=NOW), next_due_at=NOW + timedelta(hours=1))
    page = inbox_page(parse_filters({}), staff_user, now=NOW)
    assert _ids(page) == [sooner.id, middle.id, later.id]
    assert page.next_cursor is None


def _mixed_referrals() -> list[int]:
    partner = new_user(Role.PARTNER_USER, new_org(name="Mixed Referrals"))
    ids = []
    for n in range(23):
        referral = new_referral(partner, now=NOW)
        if n % 4 == 3:
            _close(referral, status=("won", "lost", "rejected")[n % 3])
        else:
            # Ties on purpose: the keyset must break them by id.
            _set(referral, next_due_at=NOW + timedelta(hours=n % 3))
        ids.append(referral.id)
    return ids


@pytest.fixture
def mixed(module_world):
    """23 referrals: open ones with tied due times, and closed ones of every closed status.

    Made once for the module (the tests only read them).
    """
    ids = module_world("mixed", _mixed_referrals)
    return list(db.session.scalars(sa.select(Referral).where(Referral.id.in_(ids))))


def _expected_order(referrals, keep):
    chosen = [r for r in referrals if keep(r)]
    running = sorted((r for r in chosen if r.next_due_at), key=lambda r: (r.next_due_at, r.id))
    closed = sorted((r for r in chosen if not r.next_due_at), key=lambda r: -r.id)
    return [r.id for r in running + closed]


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        ({}, lambda r: r.is_open),
        ({"status": "all"}, lambda r: True),
        ({"status": "won"}, lambda r: r.status == "won"),
        ({"status": "submitted"}, lambda r: r.status == "submitted"),
    ],
)
@pytest.mark.parametrize("limit", [1, 4, 5, 50])
def test_keyset_pages_cover_every_row_once(app, mixed, staff_user, args, keep, limit):
    ids, pages = _all_pages(parse_filters(args), staff_user, limit)
    expected = _expected_order(mixed, keep)
    assert ids == expected
    assert len(set(ids)) == len(ids)
    assert pages == max(1, -(-len(expected) // limit))


def test_tampered_cursor_gives_the_first_page(app, mixed, staff_user):
    filters = parse_filters({"status": "all"})
    first = inbox_page(filters, staff_user, now=NOW, limit=5)
    second = inbox_page(filters, staff_user, cursor=first.next_cursor, now=NOW, limit=5)
    assert _ids(second) != _ids(first)
    cursor = first.next_cursor
    # Change the payload (before the signature's "."): a base64 string's last character may
    # carry only padding bits, so flipping it can leave the decoded bytes as they were.
    payload, _, signature = cursor.rpartition(".")
    tampered = ("B" if payload[0] != "B" else "C") + payload[1:] + "." + signature
    for bad in (tampered, "garbage", "", "x" * 1000, "W10.abc", cursor[::-1]):
        page = inbox_page(filters, staff_user, cursor=bad, now=NOW, limit=5)
        assert _ids(page) == _ids(first)


def _statements_per_page(count_queries, staff_user, args):
    filters = parse_filters(args)
    with count_queries() as first_page:
        page = inbox_page(filters, staff_user, now=NOW, limit=5)
    with count_queries() as next_page:
        inbox_page(filters, staff_user, cursor=page.next_cursor, now=NOW, limit=5)
    return first_page.count, next_page.count


PAGE_ARGS = [{}, {"status": "all"}, {"q": "northwind", "sla": "overdue"}]


def test_statements_per_page_are_few_and_flat(
    app, partner_user, staff_user, make_referral, count_queries
):
    # One data set grown from 20 to 210 referrals, measured with each filter at both sizes.
    for _ in range(10):
        _close(make_referral(partner_user, now=NOW))
        make_referral(partner_user, now=NOW - timedelta(days=5))
    db.session.expire_all()
    small = [_statements_per_page(count_queries, staff_user, args) for args in PAGE_ARGS]
    for _ in range(190):
        make_referral(partner_user, now=NOW - timedelta(days=5))
    db.session.expire_all()
    large = [_statements_per_page(count_queries, staff_user, args) for args in PAGE_ARGS]
    for args, few, many in zip(PAGE_ARGS, small, large, strict=True):
        assert few == many, args
        assert max(many) <= 3, args
