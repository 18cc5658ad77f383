"""Stacked tables: each cell carries its column's name, escaped, in order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from portal.main.table_cells import label_cells


def test_cells_get_their_column_in_order() -> None:
    row = Markup('<tr><td><a href="/r/1">R-1</a></td><th scope="row">Acme</th><td>Open</td></tr>')
    assert label_cells(row, ["Ref", "Company", 'Say "hi"']) == (
        '<tr><td data-label="Ref"><a href="/r/1">R-1</a></td>'
        '<th data-label="Company" scope="row">Acme</th>'
        '<td data-label="Say &#34;hi&#34;">Open</td></tr>'
    )


def test_extra_cells_and_empty_labels_stay_unlabelled() -> None:
    assert label_cells(Markup("<tr><td>a</td><td>b</td></tr>"), ["A"]) == (
        '<tr><td data-label="A">a</td><td>b</td></tr>'
    )
    assert label_cells(Markup("<tr><td>a</td></tr>"), [""]) == "<tr><td>a</td></tr>"


def test_a_row_with_a_nested_table_is_left_alone() -> None:
    row = Markup("<tr><td><table><tr><td>x</td></tr></table></td></tr>")
    assert label_cells(row, ["A", "B"]) == row


@given(st.text(max_size=500))
def test_escaped_user_text_never_gains_a_label(text: str) -> None:
    row = Markup("<tr><td>{}</td></tr>").format(text)
    assert label_cells(row, ["A", "B"]).count("data-label") == 1
