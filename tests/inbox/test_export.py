"""The CSV export: the formula guard, the columns, batches that cover every row once."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from portal.db_types import utcnow
from portal.extensions import db
from portal.inbox import export
from portal.inbox.export import COLUMNS, export_csv, guard_cell
from portal.inbox.listing import parse_filters

NOW = utcnow().replace(microsecond=0)


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("Acme Widgets", "Acme Widgets"),
        ("a=b", "a=b"),
        (" =1+2", " =1+2"),
        ("'already quoted", "'already quoted"),
        ("", ""),
    ],
)
def test_guard_cell(cell, guarded):
    assert guard_cell(cell) == guarded


def _parse(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


def test_export_has_a_header_and_one_line_per_referral(
    app, partner_user, staff_user, make_referral
):
    payload = '=HYPERLINK("http://evil.example","<script>alert(1)</script>")'
    referral = make_referral(
        partner_user,
        now=NOW,
        company_name=payload,
        contact_name="+SUM(1,2)",
        contact_role="-2",
        company_website="https://www.acme-widgets.co.uk",
        estimated_value_minor=1_250_050,
    )
    referral.owner_id = staff_user.id
    referral.deal_value_minor = 9_900_000
    referral.deal_currency = "USD"
    db.session.commit()

    table = _parse(export_csv(parse_filters({}), staff_user, now=NOW))
    assert table[0] == list(COLUMNS)
    assert len(table) == 2
    row = dict(zip(COLUMNS, table[1], strict=True))
    assert row["reference"] == referral.reference
    assert row["submitted"] == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["partner organisation"] == "Acme Referrals"
    assert row["company"] == "'" + payload
    assert row["contact name"] == "'+SUM(1,2)"
    assert row["website"] == "https://www.acme-widgets.co.uk"
    assert row["domain"] == "acme-widgets.co.uk"
    assert row["contact e-mail"] == referral.contact_email
    assert row["region"] == "Europe"
    assert row["status"] == "submitted"
    assert row["owner"] == "Sam Staff"
    assert row["involvement"] == "sourced"
    assert row["estimated value"] == "12500.50"
    assert row["estimated currency"] == "USD"
    assert row["deal value"] == "99000.00"
    assert row["deal currency"] == "USD"
    assert row["next due"] == (NOW + timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["SLA state"] == "on_track"
    # No cell of any line starts with a formula character.
    for line in table:
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_export_follows_the_filters_and_closed_rows_have_no_clock(
    app, partner_user, staff_user, make_referral
):
    open_one = make_referral(partner_user, now=NOW)
    won = make_referral(partner_user, now=NOW)
    won.status, won.next_due_at, won.closed_at = "won", None, NOW
    db.session.commit()

    open_only = _parse(export_csv(parse_filters({}), staff_user, now=NOW))
    assert [line[0] for line in open_only[1:]] == [open_one.reference]
    everything = _parse(export_csv(parse_filters({"status": "all"}), staff_user, now=NOW))
    assert [line[0] for line in everything[1:]] == [open_one.reference, won.reference]
    won_row = dict(zip(COLUMNS, everything[2], strict=True))
    assert won_row["next due"] == "" and won_row["SLA state"] == "" and won_row["deal value"] == ""


def test_export_streams_in_batches_covering_every_row_once(
    app, partner_user, staff_user, make_referral, monkeypatch, count_queries
):
    monkeypatch.setattr(export, "BATCH_SIZE", 3)
    made = [make_referral(partner_user, now=NOW - timedelta(minutes=n)) for n in range(8)]
    lines = export_csv(parse_filters({}), staff_user, now=NOW)
    assert next(lines).startswith("reference,")  # nothing read before it is needed
    with count_queries() as counter:
        rest = list(lines)
    assert counter.count == 3  # 8 rows in batches of 3
    references = [row[0] for row in _parse(rest)]
    assert sorted(references) == sorted(r.reference for r in made)
    assert len(set(references)) == len(references)
