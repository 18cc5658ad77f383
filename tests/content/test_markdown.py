"""Content renders as GitHub renders it (GFM, cmark-gfm), and the HTML is sanitised."""

from __future__ import annotations

import threading
from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.content import load_content
from portal.content.gfm import gfm_to_html
from portal.content.markdown import MarkdownRenderer, render_markdown, sanitize_html
from tests.content.conftest import ContentCopy
from tests.xss_corpus import XSS_PAYLOADS, find_injections

render = MarkdownRenderer().render


class _Elements(HTMLParser):
    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag, self.found = tag, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.found.append(dict(attrs))


def elements(html: str, tag: str) -> list[dict[str, str | None]]:
    """The attributes of every `tag` element in `html`, in order."""
    parser = _Elements(tag)
    parser.feed(html)
    return parser.found


def test_formatting_survives() -> None:
    html = render(
        "## Heading\n\n*em* **strong** `code`\n\n- a\n- b\n\n> quote\n\n"
        '[link](https://example.com "Title")\n'
    )
    assert '<h3 id="heading">Heading</h3>' in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<blockquote>\n<p>quote</p>\n</blockquote>" in html
    assert '<a href="https://example.com" title="Title" rel="noopener noreferrer">link</a>' in html


# GitHub-flavoured Markdown, one feature each, as a partner's browser receives it.


def test_a_fence_inside_a_list_item_stays_in_the_item() -> None:
    html = render("1. Install it:\n\n   ```sh\n   make run\n   ```\n2. Open it.\n")
    assert (
        '<li>\n<p>Install it:</p>\n<pre><code class="language-sh">make run\n</code></pre>' in html
    )


def test_a_fence_info_string_with_a_comma_is_still_a_fence_named_by_its_language() -> None:
    html = render("```rust,ignore\nfn main() {}\n```\n")
    assert html == '<pre><code class="language-rust">fn main() {}\n</code></pre>'


def test_table_alignment_comes_out_as_align_attributes_never_styles() -> None:
    html = render("| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | b | c |\n")
    assert [cell.get("align") for cell in elements(html, "td")] == ["left", "center", "right"]
    assert "style" not in html


def test_strikethrough() -> None:
    assert render("~~gone~~ and ~also~\n") == "<p><del>gone</del> and <del>also</del></p>"


def test_task_list_items_are_disabled_named_checkboxes() -> None:
    html = render("- [ ] to do\n- [x] done\n")
    assert elements(html, "input") == [
        {"type": "checkbox", "aria-label": "Done", "disabled": ""},
        {"checked": "", "type": "checkbox", "aria-label": "Done", "disabled": ""},
    ]


def test_bare_urls_become_links() -> None:
    html = render("See https://example.com/docs and www.example.org.\n")
    assert [a["href"] for a in elements(html, "a")] == [
        "https://example.com/docs",
        "http://www.example.org",
    ]


def test_footnotes_link_both_ways() -> None:
    html = render("A claim.[^src]\n\n[^src]: The source.\n")
    assert '<sup class="footnote-ref"><a href="#fn-src" id="fnref-src">1</a></sup>' in html
    assert '<li id="fn-src">\n<p>The source. <a href="#fnref-src" class="footnote-backref"' in html


def test_markdown_inside_details_separated_by_blank_lines() -> None:
    html = render("<details>\n<summary>More</summary>\n\n**Bold** inside.\n\n</details>\n")
    assert html == (
        "<details>\n<summary>More</summary>\n<p><strong>Bold</strong> inside.</p>\n</details>"
    )


def test_headings_get_github_anchors() -> None:
    html = render("# Pricing & payouts\n\n## Use `sync()` now!\n\n### Café déjà vu\n")
    assert [h["id"] for level in ("h2", "h3", "h4") for h in elements(html, level)] == [
        "pricing--payouts",
        "use-sync-now",
        "café-déjà-vu",
    ]


def test_headings_move_one_level_down_and_stop_at_h6() -> None:
    html = render("# One\n\n## Two\n\nThree\n-----\n\n##### Five\n\n###### Six\n")
    assert "<h1" not in html  # the page's own title is its only h1
    assert [elements(html, f"h{n}") != [] for n in (2, 3, 6)] == [True, True, True]
    assert len(elements(html, "h3")) == 2 and len(elements(html, "h6")) == 2


def test_repeated_headings_are_numbered_as_on_github() -> None:
    html = render("## Notes\n\n## Notes\n\n## Notes\n\n## Notes-1\n")
    assert [h["id"] for h in elements(html, "h3")] == ["notes", "notes-1", "notes-2", "notes-1-1"]


def test_a_heading_never_takes_an_id_the_page_uses() -> None:
    html = render("# Quiz\n\n# Main\n\n# Main\n")
    assert [h["id"] for h in elements(html, "h2")] == ["quiz-1", "main-1", "main-2"]


def test_reserved_ids_are_given_by_the_caller() -> None:
    html = render("# Step accept\n\n# Other\n", {"step-accept", "other", "other-1"})
    assert [h["id"] for h in elements(html, "h2")] == ["step-accept-1", "other-2"]


# Sanitising: nh3 is the only sanitiser, whatever cmark-gfm lets through.


def test_the_sanitiser_removes_scripts_and_styles_with_their_content() -> None:
    html = sanitize_html("Hi <script>alert(1)</script><style>p{}</style> there")
    assert html == "Hi  there"


def test_raw_script_and_style_show_as_text_as_on_github() -> None:
    # GFM's tag filter turns <script> and <style> into text: visible, inert, as in the preview.
    html = render("Hi <script>alert(1)</script><style>p{}</style> there\n")
    assert (
        html
        == "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;&lt;style&gt;p{}&lt;/style&gt; there</p>"
    )


def test_event_handlers_are_removed() -> None:
    html = render('<img src="/x.png" onerror="alert(1)"> <p onclick="x()">p</p>\n')
    assert "onerror" not in html and "onclick" not in html
    assert '<img src="/x.png">' in html


def test_javascript_urls_are_removed() -> None:
    html = render('[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">x</a>\n')
    assert "javascript" not in html.lower()
    assert "<a>click</a>" in html


def test_a_raw_input_can_only_be_a_disabled_checkbox() -> None:
    html = render('<input type="text" name="q" value="x" onfocus="alert(1)" autofocus>\n')
    assert elements(html, "input") == [{"type": "checkbox", "aria-label": "Done", "disabled": ""}]


def test_python_markdown_attribute_lists_are_plain_text() -> None:
    html = render('Para\n{: style="color:red" onclick="x()" }\n')
    assert html == '<p>Para\n{: style="color:red" onclick="x()" }</p>'
    assert elements(html, "p") == [{}]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives_rendering(payload: str) -> None:
    for text in (payload, f"# {payload}", f"| a |\n|---|\n| {payload} |", f"- [ ] {payload}"):
        html = render(text + "\n")
        assert find_injections(f"<main>{html}</main>") == [], (text, html)


def test_internal_links_get_no_rel() -> None:
    assert sanitize_html('<a href="/learn">x</a>') == '<a href="/learn">x</a>'


def test_each_document_starts_afresh() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("# Same\n\nText[^1]\n\n[^1]: note\n")
    second = renderer.render("# Same\n")
    assert '<h2 id="same">' in first and '<h2 id="same">' in second
    assert "footnote" not in second


def test_rendering_frees_what_cmark_allocates() -> None:
    # cmarkgfm's own helpers leak the parse tree and the HTML: ~100 MB for these renders.
    text = "## Part\n\n| a | b |\n|---|---|\n| *x* | [y](/z) |\n\n- [ ] task[^n]\n\n[^n]: n\n" * 400
    gfm_to_html(text)
    before = _rss_mb()
    for _ in range(50):
        gfm_to_html(text)
    assert _rss_mb() - before < 20


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_a_slow_render_never_holds_up_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    slow_text = "A *slow* document.\n"
    rendering, finish = threading.Event(), threading.Event()
    real_render = MarkdownRenderer.render

    def render(self: MarkdownRenderer, text: str, *reserved: Collection[str]) -> str:
        if text == slow_text:
            rendering.set()
            finish.wait(timeout=30)
        return real_render(self, text, *reserved)

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
        '---\ntitle: Rules\n---\n<script>alert(1)</script>\n\n<a href="/learn" title="x">go</a>\n',
    )
    html = load_content(content.root).pages["rules"].html
    assert "<script" not in html and '<a href="/learn" title="x">go</a>' in html
    # What the sanitiser would take out is refused at load, not dropped quietly
    # (tests/content/test_markup_check.py).
    content.replace("pages/rules.md", 'title="x"', 'onmouseover="y()"')
    assert content.problems() == [
        'pages/rules.md:6: <a href="/learn" onmouseover="y()">: the onmouseover attribute would '
        "be removed (a <a> in content keeps only: aria-label, class, href, id, title)"
    ]
