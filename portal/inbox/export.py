"""The inbox's filtered list as CSV, streamed in keyset batches, guarded against formulas
(portal/csv_cells.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from portal.accounts.models import User
from portal.csv_cells import guard_cell
from portal.db_types import utcnow
from portal.inbox.listing import InboxFilters, InboxRow, iter_rows
from portal.money import from_minor
from portal.referrals.api import as_utc

__all__ = ["BATCH_SIZE", "COLUMNS", "export_csv", "guard_cell"]

BATCH_SIZE = 1000
COLUMNS: tuple[str, ...] = (
    "reference",
    "submitted",
    "partner organisation",
    "company",
    "website",
    "domain",
    "contact name",
    "contact e-mail",
    "region",
    "status",
    "owner",
    "involvement",
    "estimated value",
    "estimated currency",
    "deal value",
    "deal currency",
    "next due",
    "SLA state",
)


def export_csv(filters: InboxFilters, viewer: User, now: datetime | None = None) -> Iterator[str]:
    """The header, then one CSV line per matching referral, in inbox order, batch by batch.

    A generator: rows are read `BATCH_SIZE` at a time as the response is sent, so a large
    export never sits in memory (stream it with `stream_with_context`).
    """
    now = as_utc(now, "now") if now is not None else utcnow()
    yield _line(COLUMNS)
    for row in iter_rows(filters, viewer, now, batch_size=BATCH_SIZE):
        yield _line(_cells(row))


def _line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([guard_cell(cell) for cell in cells])
    return buffer.getvalue()


def _cells(row: InboxRow) -> list[str]:
    referral = row.referral
    deal_value = ""
    if referral.deal_value_minor is not None and referral.deal_currency:
        deal_value = str(from_minor(referral.deal_value_minor, referral.deal_currency))
    return [
        referral.reference,
        _iso(referral.submitted_at),
        row.organization_name,
        referral.company_name,
        referral.company_website,
        referral.company_domain or "",
        referral.contact_name,
        referral.contact_email,
        referral.region,
        referral.status,
        row.owner_name,
        referral.involvement,
        str(from_minor(referral.estimated_value_minor, referral.estimated_currency)),
        referral.estimated_currency,
        deal_value,
        referral.deal_currency or "",
        _iso(referral.next_due_at) if row.clock is not None else "",
        row.clock.state if row.clock is not None else "",
    ]


def _iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, seconds precision: what spreadsheets and scripts parse."""
    if moment is None:
        return ""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
