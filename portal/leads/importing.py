"""Staff import leads from a CSV file: bounded, each bad row reported by its line number.

The file is at most IMPORT_BYTES (checked by the view before reading it whole) and
IMPORT_ROWS rows; the header names the columns (any order, case and spaces ignored). Good
rows become leads and are routed at once; a bad row is skipped with "line 7: country 'XX'
is not an ISO 3166 code".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.leads.intake import LeadInput, clean
from portal.leads.models import LeadSource, LeadStatus
from portal.leads.service import create_lead, route_lead

IMPORT_BYTES = 1_000_000
IMPORT_ROWS = 2_000
COLUMNS = tuple(LeadInput.__dataclass_fields__)
REQUIRED_COLUMNS = ("company", "contact_name", "contact_email", "country")


@dataclass
class LeadImport:
    """What an import did: leads created (and how many were routed) and the refused lines."""

    created: int = 0
    routed: int = 0
    problems: list[str] = field(default_factory=list)


def import_leads_csv(text: str, actor: User, program: Program, now: datetime) -> LeadImport:
    """Create and route a lead per good row; no commit."""
    result = LeadImport()
    reader = csv.reader(io.StringIO(text, newline=""))  # any line ending, CR alone too
    try:
        return _import_rows(reader, result, actor, program, now)
    except csv.Error as error:
        result.problems.append(f"line {reader.line_num}: not readable as CSV ({error})")
        return result


def _import_rows(
    reader: Any, result: LeadImport, actor: User, program: Program, now: datetime
) -> LeadImport:
    """The rows of `reader` (a csv.reader, which knows its line number) as leads."""
    header = next(reader, None)
    columns = _columns(header)
    if columns is None:
        result.problems.append(
            f"line 1: the header must name the columns {', '.join(REQUIRED_COLUMNS)} "
            f"(optional: {', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)})"
        )
        return result
    for index, row in enumerate(reader):
        line = reader.line_num
        if index >= IMPORT_ROWS:
            result.problems.append(f"line {line}: more than {IMPORT_ROWS} rows; the rest skipped")
            break
        if not any(cell.strip() for cell in row):
            continue
        values = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
        data, problems = clean(LeadInput(**values), program.leads, program.regions)
        if problems:
            result.problems.append(f"line {line}: {'; '.join(problems)}")
            continue
        lead = create_lead(data, LeadSource.IMPORT, None, now)
        lead.created_by_id = actor.id
        route_lead(lead, program, now, actor)
        result.created += 1
        result.routed += lead.status == LeadStatus.OFFERED
    record_audit(actor, "leads.imported", "lead", "import",
                 after={"created": result.created, "refused": len(result.problems)})  # fmt: skip
    return result


def _columns(header: list[str] | None) -> dict[str, int] | None:
    if not header:
        return None
    names = ["_".join(cell.strip().lower().split()) for cell in header]
    found = {name: i for i, name in enumerate(names) if name in COLUMNS}
    if any(name not in found for name in REQUIRED_COLUMNS):
        return None
    return found
