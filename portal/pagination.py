"""Lists shown a page at a time: the one way a page is cut, for every list in the portal.

A list's query reads one row more than the page shows (`LIMIT per_page + 1`); `cut_page`
keeps the page and, when that extra row came, gives the cursor of the next page, which the
view puts in the next-page link. A cursor is the position of the last row shown (keyset
paging: page 500 costs what page 1 costs), never a row count to skip; the staff list of
organisations is the one exception, numbered pages with MAX_PAGE. The link itself is the
`pager` macro in templates/_macros.html.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Page", "cut_page"]

RowT = TypeVar("RowT")
NewRowT = TypeVar("NewRowT")
CursorT = TypeVar("CursorT")


@dataclass(frozen=True)
class Page(Generic[RowT, CursorT]):
    """One page of a list: its rows, where it was read from and where the next one starts."""

    rows: list[RowT]
    next_cursor: CursorT | None  # pass back to read the next page; None on the last page
    after: CursorT | None = None  # the cursor this page was read after; None on the first

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def is_first(self) -> bool:
        return self.after is None

    def map(self, convert: Callable[[RowT], NewRowT]) -> Page[NewRowT, CursorT]:
        """The same page with each row converted (after the cut: the extra row never is)."""
        return Page([convert(row) for row in self.rows], self.next_cursor, self.after)


def cut_page(
    results: Sequence[RowT],
    per_page: int,
    cursor_of: Callable[[RowT], CursorT],
    after: CursorT | None = None,
) -> Page[RowT, CursorT]:
    """The first `per_page` of `results` (read with LIMIT per_page + 1) as a page.

    The next cursor is `cursor_of` the last row shown, when more rows followed it.
    """
    if per_page < 1:
        raise ValueError(f"a page holds at least one row, not {per_page}")
    rows = list(results[:per_page])
    more = len(results) > per_page
    return Page(rows, cursor_of(rows[-1]) if more else None, after)
