"""The construct corpus: one Markdown file per construct in tests/content/corpus/ and the HTML
partners get for it (`<name>.html`), as a module at learning/basics/01-welcome.md shows it.

Attribute order is not part of the comparison (the sanitiser does not keep one): both sides
are compared as a sequence of tags with sorted attributes, and text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.content.images import ContentImage
from portal.content.local_refs import LocalRefs
from portal.content.markdown import render_markdown

CORPUS = Path(__file__).parent / "corpus"
SOURCE = "learning/basics/01-welcome.md"
IMAGE = ContentImage("images/referral-flow.png", "image/png", 5665, "ab" * 32)


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("text", data))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(("text", f"&{name};"))


def tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def partner_html(text: str) -> str:
    refs = LocalRefs(
        {IMAGE.rel: IMAGE}, frozenset({SOURCE, "pages/rules-of-engagement.md"}), {SOURCE: text}
    )
    html = refs.resolve(render_markdown(text), SOURCE)
    assert refs.problems == []
    return html


@pytest.mark.parametrize("name", sorted(p.stem for p in CORPUS.glob("*.md")))
def test_each_construct_renders_as_expected(name: str) -> None:
    text = (CORPUS / f"{name}.md").read_text()
    expected = (CORPUS / f"{name}.html").read_text().rstrip("\n")
    assert tokens(partner_html(text)) == tokens(expected)


def test_the_corpus_covers_every_construct_of_the_content_readme() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.md")) == [
        "angle-brackets", "autolinks", "callouts", "details", "fence-in-list",
        "fence-info-string", "footnotes", "heading-anchors", "image", "markdown-link",
        "strikethrough", "table-alignment", "task-list",
    ]  # fmt: skip
    assert all((CORPUS / f"{p.stem}.html").exists() for p in CORPUS.glob("*.md"))
