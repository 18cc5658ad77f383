"""Internal links in content: collected while files are built, checked once everything exists.

Links starting with `/` must point at something real: `/program/<page>`, `/learn/<path>`,
`/learn/<path>/<module>`, `/kits/<kit>`, `/playbooks/<kind>/<id>`, or one of the portal's own
pages. External http(s) and mailto links
are not checked. A document is only rendered here when a possible link does not resolve, so
checking valid content renders nothing (portal.content.rendering renders it once, afterwards).
Links to a part of a page (`#budget`) are collected here too and checked once the index is
rendered (portal.content.anchors).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from portal.content.markdown import link_targets, render_markdown
from portal.content.model import ContentProblem

PORTAL_PAGES = frozenset(
    {
        "/",
        "/onboarding",
        "/learn",
        "/program",
        "/certificates",
        "/referrals",
        "/referrals/new",
        "/earnings",
        "/kits",
        "/playbooks",
        "/search",
        "/agreement",
        "/compliance",
    }
)
EXTERNAL_SCHEMES = ("http", "https", "mailto")


# Anything that could become an internal link: a "/" that does not continue a word, a number,
# a URL or a closing HTML tag. A superset of real links: a candidate that does not resolve sends
# its document through the real renderer, which decides (plain-text mentions are not links).
# The lookbehind comes after the "/" so the pattern starts with a literal: the engine jumps
# from slash to slash instead of trying the lookbehind at every character of a large text.
_CANDIDATE = re.compile(r"/(?<![\w/.:<~\\-]/)[^\s\"'<>()\[\]`|]*")
# A link within the page: "#" after "(", "<", a quote or ":" (inline and HTML links,
# reference definitions). A superset too.
_FRAGMENT_CANDIDATE = re.compile(r"""[(<"':][^\S\n]*(#[^\s"'<>()\[\]`|]*)""")


@dataclass(frozen=True)
class LinkRef:
    """One link given directly in a content file (e.g. a step's `link:`)."""

    source: str
    line: int
    href: str


@dataclass(frozen=True)
class MarkdownLinks:
    """A Markdown text with possible internal links: where it starts and its candidates."""

    source: str
    first_line: int
    text: str
    candidates: frozenset[str]


@dataclass
class LinkCollector:
    """Gathers every link while files are built; they are checked once everything exists."""

    refs: list[LinkRef] = field(default_factory=list)
    documents: list[MarkdownLinks] = field(default_factory=list)
    # Every Markdown text as (source, first line, text), for checks of the whole text
    # (portal.content.markup_check).
    texts: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, source: str, line: int, href: str) -> None:
        """Remember one link at `source:line`."""
        self.refs.append(LinkRef(source, line, href))

    def add_markdown(self, source: str, text: str, first_line: int) -> None:
        """Remember a Markdown text whose first line is `first_line` of `source`."""
        self.texts.append((source, first_line, text))
        candidates = frozenset(_CANDIDATE.findall(text)) if "/" in text else frozenset()
        if "#" in text:
            candidates |= frozenset(_FRAGMENT_CANDIDATE.findall(text))
        if candidates:
            self.documents.append(MarkdownLinks(source, first_line, text, candidates))


def rendered_links(text: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, href) of every internal or same-page (`#...`) link `text` renders to."""
    lines = text.split("\n")
    cursor = 0
    result = []
    for href in link_targets(render_markdown(text)):
        if not href.startswith(("/", "#")) or href.startswith("//"):
            continue
        found = _find_line(lines, href, cursor)
        if found is None:
            found = _find_line(lines, href, 0)
        if found is not None:
            cursor = found
        result.append((first_line + (found or 0), href))
    return result


def _find_line(lines: list[str], needle: str, start: int) -> int | None:
    for index in range(start, len(lines)):
        if needle in lines[index]:
            return index
    return None


def check_link(
    href: str,
    pages: Mapping[str, object],
    modules_by_path: Mapping[str, set[str]],
    kits: Collection[str] = (),
    playbooks: Collection[str] = (),
) -> str | None:
    """Why the internal link `href` is broken, or None when it resolves (or is external).

    `kits` are kit ids, `playbooks` are "<kind>/<id>" keys.
    """
    if not href.startswith("/") or href.startswith("//"):
        return None
    path = urlsplit(href).path
    parts = path.split("/")[1:]
    if parts[0] == "program" and len(parts) == 2:
        if parts[1] not in pages:
            return f"broken link {href}: there is no program page '{parts[1]}'"
        return None
    if parts[0] == "learn" and len(parts) in (2, 3):
        if parts[1] not in modules_by_path:
            return f"broken link {href}: there is no learning path '{parts[1]}'"
        if len(parts) == 3 and parts[2] not in modules_by_path[parts[1]]:
            return (
                f"broken link {href}: there is no module '{parts[2]}' in learning path '{parts[1]}'"
            )
        return None
    if parts[0] == "kits" and len(parts) == 2 and parts[1]:
        return None if parts[1] in kits else f"broken link {href}: there is no kit '{parts[1]}'"
    if parts[0] == "playbooks" and len(parts) == 3:
        key = f"{parts[1]}/{parts[2]}"
        return None if key in playbooks else f"broken link {href}: there is no playbook '{key}'"
    if parts[:2] == ["staff", "handbook"]:
        return _check_handbook_link(href, parts[2:], pages, playbooks)
    if path in PORTAL_PAGES:
        return None
    return (
        f"broken link {href}: not a page of the portal (use /program/<page>, /learn/<path>, "
        f"/learn/<path>/<module>, /kits/<kit>, /playbooks/<kind>/<id>, /staff/handbook/... "
        f"or one of "
        f"{', '.join(sorted(PORTAL_PAGES))})"
    )


def _check_handbook_link(
    href: str, rest: list[str], pages: Mapping[str, object], playbooks: Collection[str]
) -> str | None:
    """`/staff/handbook`, `/staff/handbook/pages/<page>` or `/staff/handbook/<kind>/<id>`: the
    partner team's own pages and playbooks (whether the target is staff-only is checked with
    the audiences, in portal.content.reach)."""
    if rest in ([], [""]):
        return None
    if len(rest) == 2 and rest[0] == "pages":
        return None if rest[1] in pages else f"broken link {href}: there is no page '{rest[1]}'"
    if len(rest) == 2:
        key = f"{rest[0]}/{rest[1]}"
        return None if key in playbooks else f"broken link {href}: there is no playbook '{key}'"
    return (
        f"broken link {href}: the handbook has /staff/handbook, /staff/handbook/pages/<page> "
        "and /staff/handbook/<kind>/<id>"
    )


def check_step_link(href: str) -> str | None:
    """Why a step's `link:` can never be a safe link target, or None (reachability is separate)."""
    if href.startswith("/") and not href.startswith("//"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if scheme in EXTERNAL_SCHEMES:
        return None
    return f"link must be a portal path starting with / or an http(s) or mailto URL, not {href!r}"


def broken_links(
    links: LinkCollector,
    pages: Mapping[str, object],
    modules_by_path: Mapping[str, set[str]],
    kits: Collection[str] = (),
    playbooks: Collection[str] = (),
) -> list[ContentProblem]:
    """A problem for every collected link that does not resolve."""

    def check(href: str) -> str | None:
        return check_link(href, pages, modules_by_path, kits, playbooks)

    problems = []
    for ref in links.refs:
        message = check(ref.href)
        if message is not None:
            problems.append(ContentProblem(ref.source, ref.line, message))
    for doc in links.documents:
        if all(check(c) is None for c in doc.candidates):
            continue
        for line, href in rendered_links(doc.text, doc.first_line):
            message = check(href)
            if message is not None:
                problems.append(ContentProblem(doc.source, line, message))
    return problems
