"""How a profile reads on a page: its description as safe HTML, its lists by name."""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

from portal.content.gfm import gfm_to_html
from portal.content.model import Program
from portal.directory.models import DirectoryProfile, split_ids
from portal.directory.terms import term_names

# A partner's description is plain prose: no images (they would load from anywhere), no
# headings that compete with the page's own, no HTML of the partner's.
DESCRIPTION_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "a", "code", "blockquote"}
)
SUMMARY_CHARS = 200


def render_description(text: str) -> Markup:
    """The Markdown description as sanitised HTML (links open as external, nofollow)."""
    rendered = gfm_to_html(text)
    clean = nh3.clean(
        rendered,
        tags=set(DESCRIPTION_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(_reescaped(clean))  # noqa: S704  (nh3 output, every text escaped again)


class _Reescape(HTMLParser):
    """Write sanitised HTML back with every text and attribute value fully escaped (quotes
    too), so a partner's text never appears verbatim in the page, even where it is inert."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f' {name}="{html.escape(value or "")}"' for name, value in attrs)
        self.out.append(f"<{tag}{written}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data))


def _reescaped(clean_html: str) -> str:
    parser = _Reescape()
    parser.feed(clean_html)
    parser.close()
    return "".join(parser.out)


def summary(text: str) -> str:
    """The description's first words as plain text (the list, OpenGraph, meta description)."""
    plain = nh3.clean(gfm_to_html(text), tags=set())
    plain = " ".join(html.unescape(plain).split())
    return plain if len(plain) <= SUMMARY_CHARS else plain[: SUMMARY_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class NamedLists:
    """A profile's list fields by name, for display."""

    regions: list[str]
    countries: list[str]
    industries: list[str]
    services: list[str]
    languages: list[str]


def named_lists(profile: DirectoryProfile, program: Program) -> NamedLists:
    """The profile's regions, countries, industries, services and languages as names."""
    names = term_names(program)

    def named(field: str) -> list[str]:
        return [names[field].get(item, item) for item in split_ids(getattr(profile, field))]

    return NamedLists(
        regions=named("regions"),
        countries=named("countries"),
        industries=named("industries"),
        services=named("services"),
        languages=named("languages"),
    )
