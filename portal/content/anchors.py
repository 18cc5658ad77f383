"""Links to a part of a page must reach an id on that page: `/program/governance#budget`,
or `#budget` within the same page.

Checked once the index is rendered (the ids are those of the rendered HTML). A page's anchors
are its content's heading ids (GitHub's, see portal.content.headings) and footnotes, plus the
few the page itself offers as destinations: `#main` everywhere, `#quiz` on a module with a quiz,
`#kit-files` and `#kit-templates` on a kit, `#step-<id>` for each onboarding step. The
onboarding page's anchors are those of every checklist. Anchors on the portal's own pages
(`/referrals#...`) are not content and are not checked.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from portal.content.headings import element_ids, step_ids
from portal.content.links import LinkCollector, rendered_links
from portal.content.model import ContentIndex, ContentProblem

_EVERY_PAGE = frozenset({"main"})
_SHOWN_IDS = 12  # ids listed in a message
Anchors = tuple[dict[str, frozenset[str]], dict[str, str]]  # what page_anchors returns


def page_anchors(index: ContentIndex) -> Anchors:
    """The anchors of every content page by URL, and the URL that shows each content file."""
    anchors: dict[str, frozenset[str]] = {}
    shown_at: dict[str, str] = {}

    def add(url: str, source: str, ids: set[str] | frozenset[str]) -> None:
        anchors[url] = anchors.get(url, _EVERY_PAGE) | ids
        shown_at[source] = url

    for page in index.pages.values():
        add(f"/program/{page.id}", page.source, element_ids(page.html))
    for path in index.paths.values():
        add(f"/learn/{path.id}", path.source, element_ids(path.intro_html))
        for module in path.modules:
            quiz = {"quiz"} if module.quiz is not None else set()
            add(f"/learn/{path.id}/{module.id}", module.source, element_ids(module.html) | quiz)
    for kit in index.kits.values():
        own = {"kit-files", "kit-templates"} if kit.templates else {"kit-files"}
        add(f"/kits/{kit.id}", kit.source, element_ids(kit.html) | own)
    for playbook in index.playbooks.values():
        add(f"/playbooks/{playbook.key}", playbook.source, element_ids(playbook.html))
    for checklist in index.checklists.values():
        ids = element_ids(checklist.intro_html) | step_ids(s.id for s in checklist.steps)
        for step in checklist.steps:
            ids |= element_ids(step.description_html)
        add("/onboarding", checklist.source, ids)
    return anchors, shown_at


def anchor_problems(
    links: LinkCollector, index: ContentIndex, anchors_of: Anchors | None = None
) -> list[ContentProblem]:
    """A problem for every link to a content page's part that the page does not have.

    `anchors_of` is page_anchors(index) when the caller has it already: reading every page's
    ids means a pass over all rendered HTML, once per load is enough."""
    anchors, shown_at = anchors_of if anchors_of is not None else page_anchors(index)

    def missing(href: str, source: str) -> str | None:
        url, fragment = _split(href, shown_at.get(source))
        ids = anchors.get(url) if url is not None else None
        if ids is None or not fragment or fragment in ids:
            return None
        return _message(href, fragment, ids)

    problems = []
    for ref in links.refs:
        message = missing(ref.href, ref.source)
        if message:
            problems.append(ContentProblem(ref.source, ref.line, message))
    for doc in links.documents:
        # Candidates are a superset of the real links: render only when one could be broken.
        if all(missing(c, doc.source) is None for c in doc.candidates if "#" in c):
            continue
        for line, href in rendered_links(doc.text, doc.first_line):
            message = missing(href, doc.source)
            if message:
                problems.append(ContentProblem(doc.source, line, message))
    return problems


def _split(href: str, own_url: str | None) -> tuple[str | None, str]:
    """(URL of the page, decoded fragment) of an internal link; the page is None if unknown."""
    if "#" not in href:
        return None, ""
    parts = urlsplit(href)
    url = own_url if href.startswith("#") else parts.path
    return url, unquote(parts.fragment)


def _message(href: str, fragment: str, ids: frozenset[str]) -> str:
    hint = ""
    if fragment.startswith("section-") and fragment[len("section-") :] in ids:
        hint = f" (headings now have GitHub's ids: use #{fragment[len('section-') :]})"
    listed = sorted(ids - _EVERY_PAGE)
    shown = ", ".join(listed[:_SHOWN_IDS]) + (", ..." if len(listed) > _SHOWN_IDS else "")
    return (
        f"broken link {href}: that page has no heading or other anchor '{fragment}'{hint}; "
        f"its anchors: {shown or 'none'}"
    )
