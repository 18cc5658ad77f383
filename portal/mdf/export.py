"""MDF tables as CSV, every cell formula-guarded (portal/csv_cells.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

from portal.content.model_governance import MdfRules
from portal.csv_cells import guard_cell
from portal.mdf.listing import BudgetRow, QueueRow
from portal.mdf.models import MdfRequest
from portal.mdf.service import status_label
from portal.money import from_minor

REQUEST_COLUMNS = (
    "reference",
    "requested on",
    "activity",
    "activity type",
    "activity date",
    "status",
    "currency",
    "requested",
    "approved",
    "payable",
    "claim due",
)


def _amount(minor: int | None, currency: str) -> str:
    return "" if minor is None else str(from_minor(minor, currency))


def _request_cells(request: MdfRequest, rules: MdfRules) -> list[str]:
    return [
        request.reference,
        f"{request.created_at:%Y-%m-%d}",
        request.title,
        rules.activity_name(request.activity_type),
        request.activity_date.isoformat(),
        status_label(request.status),
        request.currency,
        _amount(request.requested_minor, request.currency),
        _amount(request.approved_minor, request.currency),
        _amount(request.payable_minor, request.currency),
        request.claim_due_on.isoformat(),
    ]


def partner_rows(requests: Iterable[MdfRequest], rules: MdfRules) -> Iterator[list[str]]:
    """The partner's list of requests as rows, header first."""
    yield list(REQUEST_COLUMNS)
    for request in requests:
        yield _request_cells(request, rules)


def queue_rows(rows: Iterable[QueueRow], rules: MdfRules) -> Iterator[list[str]]:
    """The staff queue as rows, header first: the partner organisation after the reference."""
    yield ["reference", "partner organisation", *REQUEST_COLUMNS[1:]]
    for row in rows:
        cells = _request_cells(row.request, rules)
        yield [cells[0], row.organization_name, *cells[1:]]


def budget_rows(rows: Iterable[BudgetRow], tier_name: dict[str, str]) -> Iterator[list[str]]:
    """The budget per period and tier as rows, header first."""
    yield [
        "period", "tier", "organisations", "currency", "allocated", "returned", "held or spent",
        "paid", "available",
    ]  # fmt: skip
    for row in rows:
        yield [
            row.period,
            tier_name.get(row.tier, row.tier),
            str(row.organizations),
            row.currency,
            _amount(row.allocated, row.currency),
            _amount(row.returned, row.currency),
            _amount(row.committed, row.currency),
            _amount(row.paid, row.currency),
            _amount(row.available, row.currency),
        ]


def csv_response(filename: str, rows: Iterable[list[str]]) -> Response:
    """Stream the rows as a CSV download, every cell guarded against formulas."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([guard_cell(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response
