"""Markdown renders once, and the HTML is sanitised: content can never run script."""

from __future__ import annotations

import threading

import pytest

from portal.content import load_content
from portal.content.markdown import MarkdownRenderer, render_markdown, sanitize_html
from tests.content.conftest import ContentCopy

render = MarkdownRenderer().render


def test_formatting_survives() -> None:
    html = render(
        "## Heading\n\n*em* **strong** `code`\n\n- a\n- b\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\n"
        '```python\nprint(1)\n```\n\n> quote\n\n[link](https://example.com "Title")\n'
    )
    assert '<h3 id="section-heading">Heading</h3>' in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert "<ul>" in html and "<li>a</li>" in html
    assert '<th align="left">A</th>' in html
    assert "style=" not in html
    assert '<code class="language-python">' in html
    assert "<blockquote>" in html
    assert '<a href="https://example.com" title="Title" rel="noopener noreferrer">link</a>' in html


def test_scripts_and_styles_are_removed() -> None:
    html = render("Hi <script>alert(1)</script><style>p{}</style> there\n")
    assert "<script" not in html and "alert(1)" not in html
    assert "<style" not in html


def test_event_handlers_are_removed() -> None:
    html = render('<img src="/x.png" onerror="alert(1)"> <p onclick="x()">p</p>\n')
    assert "onerror" not in html and "onclick" not in html
    assert '<img src="/x.png">' in html


def test_javascript_urls_are_removed() -> None:
    html = render('[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">x</a>\n')
    assert "javascript" not in html.lower()
    assert "<a>click</a>" in html


def test_attribute_lists_cannot_add_styles_or_handlers() -> None:
    html = render('Para\n{: style="color:red" onclick="x()" }\n')
    assert "style" not in html and "onclick" not in html


def test_internal_links_get_no_rel() -> None:
    assert sanitize_html('<a href="/learn">x</a>') == '<a href="/learn">x</a>'


def test_renderer_is_reused_without_leaking_state() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("# Same\n\nText[^1]\n\n[^1]: note\n")
    second = renderer.render("# Same\n")
    assert '<h2 id="section-same">' in first and '<h2 id="section-same">' in second
    assert "footnote" not in second


def test_a_slow_render_never_holds_up_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    slow_text = "A *slow* document.\n"
    rendering, finish = threading.Event(), threading.Event()
    real_render = MarkdownRenderer.render

    def render(self: MarkdownRenderer, text: str) -> str:
        if text == slow_text:
            rendering.set()
            finish.wait(timeout=30)
        return real_render(self, text)

    monkeypatch.setattr(MarkdownRenderer, "render", render)
    slow = threading.Thread(target=render_markdown, args=(slow_text,))
    slow.start()
    quick: list[str] = []
    other = threading.Thread(target=lambda: quick.append(render_markdown("A *quick* one.\n")))
    try:
        assert rendering.wait(timeout=30)
        other.start()
        other.join(timeout=10)
        assert quick == ["<p>A <em>quick</em> one.</p>"]  # done while the slow one still runs
        assert slow.is_alive()
    finally:
        finish.set()
        slow.join(timeout=30)
        other.join(timeout=30)


def test_blank_markdown_is_empty_html() -> None:
    assert render("  \n\n") == ""


def test_content_bodies_are_sanitised_at_load(content: ContentCopy) -> None:
    content.write(
        "pages/rules.md",
        '---\ntitle: Rules\n---\n<script>alert(1)</script>\n\n<a href="javascript:x()" '
        'onmouseover="y()">go</a>\n',
    )
    html = load_content(content.root).pages["rules"].html
    assert "<script" not in html and "javascript" not in html and "onmouseover" not in html
