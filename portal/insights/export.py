"""Tables as CSV files, guarded against spreadsheet formulas.

A cell starting with `=`, `+`, `-`, `@`, tab or carriage return would run as a formula when
the file is opened (OWASP "CSV injection"): it gets a leading single quote and stays text.
Negative numbers are written by the portal itself, never typed by a person, and stay numbers.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response

from portal.insights.view_model import Table

__all__ = ["csv_response", "guard_cell", "table_csv"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def guard_cell(value: str) -> str:
    """The cell as text a spreadsheet will not run."""
    if value.startswith(_FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


def table_csv(table: Table) -> str:
    """The table's header and rows as CSV text (raw values, not the formatted ones)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([guard_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([guard_cell(cell.csv) for cell in row])
    return buffer.getvalue()


def csv_response(table: Table, filename: str) -> Response:
    response = Response(table_csv(table), mimetype="text/csv")
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", filename)[:120]
    response.headers["Content-Disposition"] = f"attachment; filename={safe}"
    return response
