"""Images and links to other Markdown files, resolved in rendered HTML (and checked) at load.

Content is written to read well in a GitHub preview too, so both are paths relative to the
file that uses them (`![Flow](../../images/flow.png)`, `[rules](../../pages/rules.md#budget)`),
or from the content root when they start with `/images/`. Once a document is rendered:

- an image becomes its versioned portal address (`/content-images/<rel>?v=<hash>`); one with no
  alt text, on another site, or whose file is not in the index is a problem;
- a link to a `.md` file becomes the portal page that shows that file (`/program/rules#budget`);
  a file that does not exist, or that no page shows, is a problem. A resolved link with a
  `#fragment` is handed to the anchor check (portal.content.anchors) like any internal link.

Only documents whose HTML has an image or a `.md` link are looked at.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from portal.content.images import ContentImage
from portal.content.links import LinkCollector
from portal.content.model import ContentProblem

_IMG = re.compile(r"<img\s[^>]*>")
_LINK = re.compile(r"<a\s[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_ALT = re.compile(r'\salt="([^"]*)"')
_HREF = re.compile(r'\shref="([^"]*)"')
_MODULE = re.compile(r"^learning/([^/]+)/\d+-([^/]+)\.md$")
_PATH = re.compile(r"^learning/([^/]+)/path\.md$")
_PAGE = re.compile(r"^pages/([^/]+)\.md$")
_CHECKLIST = re.compile(r"^onboarding/[^/]+\.md$")
_KIT = re.compile(r"^kits/([^/]+)/kit\.md$")
_PLAYBOOK = re.compile(r"^playbooks/([^/]+)/([^/]+)\.md$")


def portal_url(rel: str) -> str | None:
    """The portal page that shows the content file `rel`, or None when no page shows it."""
    for pattern, shape in (
        (_MODULE, "/learn/{}/{}"),
        (_PATH, "/learn/{}"),
        (_PAGE, "/program/{}"),
        (_KIT, "/kits/{}"),
        (_PLAYBOOK, "/playbooks/{}/{}"),
    ):
        match = pattern.match(rel)
        if match:
            return shape.format(*match.groups())
    return "/onboarding" if _CHECKLIST.match(rel) else None


def _is_relative(url: str) -> bool:
    return not urlsplit(url).scheme and not url.startswith(("#", "//"))


def resolve_path(source: str, target: str) -> str | None:
    """The content-root path `target` names from the file `source`; None if it leaves content."""
    path = unquote(target)
    joined = (
        path.lstrip("/")
        if path.startswith("/")
        else posixpath.join(posixpath.dirname(source), path)
    )
    rel = posixpath.normpath(joined)
    return None if rel.startswith("..") or rel in (".", "") else rel


@dataclass
class LocalRefs:
    """What a load knows to resolve references: its images, documents and file texts."""

    images: Mapping[str, ContentImage]
    documents: frozenset[str]  # rels of every file in content
    texts: Mapping[str, str]  # rel -> whole file text, for line numbers
    problems: list[ContentProblem] = field(default_factory=list)
    fragment_links: LinkCollector = field(default_factory=LinkCollector)
    _cursors: dict[str, tuple[int, int]] = field(default_factory=dict)  # (offset, its line)
    _targets: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)

    def resolve(self, rendered: str, source: str) -> str:
        """`rendered` (the sanitised HTML of a text of `source`) with references resolved."""
        if "<img" in rendered:
            rendered = _IMG.sub(lambda m: self._image(m.group(0), source), rendered)
        if ".md" in rendered:
            rendered = _LINK.sub(lambda m: self._link(m.group(0), source), rendered)
        return rendered

    def _report(self, source: str, needle: str, message: str) -> None:
        self.problems.append(ContentProblem(source, self._line(source, needle), message))

    def _line(self, source: str, needle: str) -> int:
        # References come in document order: search on from the last one found, counting the
        # newlines in between, so a large file is read about once, not once per reference.
        text = self.texts.get(source, "")
        position, line = self._cursors.get(source, (0, 1))
        found = text.find(needle, position)
        if found < 0:
            position, line = 0, 1
            found = text.find(needle)
        if found < 0:
            return 1
        line += text.count("\n", position, found)
        self._cursors[source] = (found, line)
        return line

    def _image(self, tag: str, source: str) -> str:
        src_match = _SRC.search(tag)
        if src_match is None:
            return tag
        src = html.unescape(src_match.group(1))
        alt = _ALT.search(tag)
        if alt is None or not html.unescape(alt.group(1)).strip():
            self._report(
                source,
                src,
                f"image {src} has no alt text: say what it shows, as in ![Referral flow]({src})",
            )
        if not _is_relative(src):
            self._report(
                source,
                src,
                f"image {src} is not a content image: put the file in content/images/ "
                "(or beside the module) and use its relative path",
            )
            return tag
        rel = resolve_path(source, urlsplit(src).path)
        image = self.images.get(rel) if rel else None
        if image is None:
            where = f"there is no {rel}" if rel else "the path leads outside the content folder"
            self._report(
                source,
                src,
                f"image {src} not found: {where} (images go in content/images/ "
                "or beside the module)",
            )
            return tag
        start, end = src_match.span(1)
        return tag[:start] + html.escape(image.url) + tag[end:]

    def _target(self, source: str, path: str) -> tuple[str | None, str | None]:
        """The content path and portal URL a link's path names; large documents link to the
        same few files over and over, so each (file, path) is worked out once per load."""
        key = (source, path)
        found = self._targets.get(key)
        if found is None:
            rel = resolve_path(source, path)
            found = self._targets[key] = (rel, portal_url(rel) if rel else None)
        return found

    def _link(self, tag: str, source: str) -> str:
        href_match = _HREF.search(tag)
        if href_match is None:
            return tag
        href = html.unescape(href_match.group(1))
        parts = urlsplit(href)
        if not _is_relative(href) or not parts.path.endswith(".md"):
            return tag
        rel, url = self._target(source, parts.path)
        if rel is None or rel not in self.documents:
            where = f"there is no {rel}" if rel else "the path leads outside the content folder"
            self._report(source, href, f"broken link {href}: {where}")
            return tag
        if url is None:
            self._report(source, href, f"broken link {href}: no portal page shows {rel}")
            return tag
        target = f"{url}#{parts.fragment}" if parts.fragment else url
        if parts.fragment:
            self.fragment_links.add(source, self._line(source, href), target)
        start, end = href_match.span(1)
        return tag[:start] + html.escape(target) + tag[end:]
