"""portal/pagination.py and the `pager` macro: the one way every list is read a page at a time."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from hypothesis import given
from hypothesis import strategies as st

from portal.pagination import Page, cut_page


def _read_all(items: list[int], per_page: int) -> list[list[int]]:
    """Every page of `items` as a keyset query would read them (LIMIT per_page + 1 after id)."""
    pages, after = [], None
    while True:
        results = [i for i in items if after is None or i > after][: per_page + 1]
        page = cut_page(results, per_page, cursor_of=lambda i: i, after=after)
        pages.append(page.rows)
        if not page.has_next:
            return pages
        after = page.next_cursor


@given(st.lists(st.integers(), unique=True).map(sorted), st.integers(min_value=1, max_value=9))
def test_reading_every_page_gives_every_row_once_in_order(items, per_page) -> None:
    pages = _read_all(items, per_page)
    assert [row for page in pages for row in page] == items
    assert all(len(page) == per_page for page in pages[:-1])
    assert len(pages[-1]) <= per_page
    assert pages[-1] or not items  # no empty last page unless the list is empty


def test_the_extra_row_is_only_a_sign_that_more_follow() -> None:
    page = cut_page(["a", "b", "c"], 2, cursor_of=str.upper)
    assert page.rows == ["a", "b"]
    assert page.next_cursor == "B"  # the last row shown, not the extra one
    assert page.is_first and page.has_next


def test_a_full_last_page_has_no_next() -> None:
    page = cut_page([1, 2], 2, cursor_of=lambda i: i, after=0)
    assert page.rows == [1, 2] and not page.has_next and not page.is_first


def test_map_converts_the_shown_rows_and_keeps_the_cursors() -> None:
    converted = []
    page = cut_page([1, 2, 3], 2, cursor_of=lambda i: i, after=7).map(
        lambda i: converted.append(i) or i * 10
    )
    assert page == Page([10, 20], 2, 7)
    assert converted == [1, 2]


@pytest.mark.parametrize("per_page", [0, -1])
def test_a_page_holds_at_least_one_row(per_page) -> None:
    with pytest.raises(ValueError):
        cut_page([1], per_page, cursor_of=lambda i: i)


PAGER = (
    '{% from "_macros.html" import pager %}'
    "{{ pager(page, '/list?after=' ~ page.next_cursor, back_url, back_label='Newest', "
    "back_rel=back_rel) }}"
)


def _pager(app: Flask, page: Page, back_url: str | None = "/list", back_rel=None) -> str:
    with app.test_request_context():
        return render_template_string(PAGER, page=page, back_url=back_url, back_rel=back_rel)


def test_pager_is_absent_on_a_single_page(app: Flask) -> None:
    assert _pager(app, Page([1], None)).strip() == ""


def test_pager_links_on_from_the_first_page(app: Flask) -> None:
    html = _pager(app, Page([1], 5))
    assert '<a href="/list?after=5" rel="next">Next page</a>' in html
    assert "Newest" not in html


def test_pager_links_back_from_a_later_page(app: Flask) -> None:
    html = _pager(app, Page([1], None, after=3), back_rel="prev")
    assert '<a href="/list" rel="prev">Newest</a>' in html
    assert 'rel="next"' not in html


def test_pager_without_a_back_url_links_only_on(app: Flask) -> None:
    html = _pager(app, Page([1], 9, after=3), back_url=None)
    assert 'rel="next"' in html and "Newest" not in html
    assert _pager(app, Page([1], None, after=3), back_url=None).strip() == ""
