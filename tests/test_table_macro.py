"""The `table` macro (templates/_macros.html): every list of the portal is one table shape."""

from __future__ import annotations

from flask import Flask, render_template_string

TABLE = (
    '{% from "_macros.html" import table %}'
    "{% call(item) table(items, ['Name', 'Size'], empty=empty, caption=caption, actions=actions) %}"
    "<tr><td>{{ item }}</td></tr>{% endcall %}"
)


def _table(app: Flask, items, empty=None, caption=None, actions=False) -> str:
    with app.test_request_context():
        return render_template_string(
            TABLE, items=items, empty=empty, caption=caption, actions=actions
        )


def test_each_item_is_a_row_under_the_column_headers(app: Flask) -> None:
    html = _table(app, ["<b>one</b>", "two"], caption="Files <i>here</i>")
    assert '<th scope="col">Name</th><th scope="col">Size</th></tr>' in html
    assert "<td>&lt;b&gt;one&lt;/b&gt;</td>" in html and "<td>two</td>" in html
    assert '<caption class="visually-hidden">Files &lt;i&gt;here&lt;/i&gt;</caption>' in html
    assert '<div class="table-wrap">' in html


def test_an_actions_column_is_named_for_screen_readers_only(app: Flask) -> None:
    html = _table(app, ["one"], actions=True)
    assert '<th scope="col"><span class="visually-hidden">Actions</span></th></tr>' in html


def test_no_items_shows_the_empty_state_instead(app: Flask) -> None:
    html = _table(app, [], empty="Nothing <yet>.")
    assert "<table" not in html
    assert '<div class="empty-state"><p>Nothing &lt;yet&gt;.</p></div>' in html
    assert _table(app, []).strip() == ""
