"""The staff queue's current tab and filters as CSV, read in keyset batches, formula-guarded."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from portal.csv_cells import guard_cell
from portal.questions.listing import QueueQuery, queue_page
from portal.questions.models import STATUS_LABELS

COLUMNS = (
    "question", "asked", "organisation", "asked by", "topic", "subject", "status",
    "assigned to", "first response due", "first responded",
)  # fmt: skip
MAX_PAGES = 400  # 10,000 rows: a queue export, not a data dump


def queue_csv(
    query: QueueQuery, topics: tuple[str, ...], topic_name: Callable[[str], str]
) -> Iterator[str]:
    """The header, then one line per question in queue order, a page at a time."""
    yield _line(COLUMNS)
    cursor = None
    for _ in range(MAX_PAGES):
        page = queue_page(query, topics, cursor)
        for row in page.rows:
            q = row.question
            yield _line(
                (
                    str(q.id),
                    q.asked_at.isoformat(timespec="minutes"),
                    row.organization_name,
                    row.asker_name,
                    topic_name(q.topic),
                    q.subject,
                    STATUS_LABELS.get(q.status, q.status),
                    row.assignee_name or "",
                    q.first_response_due_at.isoformat(timespec="minutes"),
                    q.first_responded_at.isoformat(timespec="minutes")
                    if q.first_responded_at
                    else "",
                )
            )
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([guard_cell(cell) for cell in cells])
    return buffer.getvalue()
