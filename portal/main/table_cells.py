"""Column labels on table cells, so a table can be read as stacked cards on a phone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

# The opening of a cell. Only the template writes tags here: user text is already escaped,
# so a "<td" inside it reads "&lt;td" and never matches. Linear: a fixed-length look-ahead.
_CELL = re.compile(r"<(td|th)(?=[\s>])")


def label_cells(row_html: Markup, labels: Sequence[str]) -> Markup:
    """The row's cells, in order, each with `data-label` naming its column (app.css shows it
    before the value when the table is stacked). A row holding a table of its own is left as
    it is: its cells could not be told apart from the nested ones."""
    if "<table" in row_html:
        return row_html
    column = iter(labels)

    def add_label(match: re.Match[str]) -> str:
        label = next(column, "")
        return f'{match.group(0)} data-label="{escape(label)}"' if label else match.group(0)

    # Safe: the row is the template's own rendered markup and each label is escaped.
    return Markup(_CELL.sub(add_label, row_html))  # noqa: S704
