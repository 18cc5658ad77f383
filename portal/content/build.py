"""One load's working state (`Build`) and the first pass over CONTENT_DIR (`read_all`).

`read_all` reads every file once: the version hash, the text of each file the engine parses,
the bytes of the small brand files, the images' facts, and the size and sha256 of each kit
file (streamed in chunks, never decoded nor held whole).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from portal.content.brand import BRAND, MAX_BRAND_FILE_BYTES
from portal.content.fields import Source
from portal.content.files import CHUNK_BYTES, list_files, read_small, read_text, reason, stream
from portal.content.frontmatter import Document, LineDict, split_front_matter
from portal.content.images import ContentImage, is_content_image, read_image
from portal.content.kits import Asset, is_kit_asset, is_kit_text, links_outside_kit
from portal.content.links import LinkCollector
from portal.content.model import ContentProblem
from portal.content.playbooks import PLAYBOOKS

PROGRAM_FILE = "program.yml"
# Top-level folders this engine reads; anything else (README.md, ...) is not read, but still
# counts towards the version.
PAGES, ONBOARDING, LEARNING = "pages", "onboarding", "learning"
_TEXT_FOLDERS = (PAGES, ONBOARDING, LEARNING, PLAYBOOKS)


@dataclass
class Build:
    """Everything one load accumulates."""

    root: Path
    problems: list[ContentProblem] = field(default_factory=list)
    links: LinkCollector = field(default_factory=LinkCollector)
    texts: dict[str, str] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)  # kit files: size and sha256
    brand_files: dict[str, bytes] = field(default_factory=dict)  # brand/: small, read whole
    images: dict[str, ContentImage] = field(default_factory=dict)  # served images, not bytes

    def source(self, rel: str) -> Source:
        return Source(rel, self.problems)

    def report(self, rel: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(rel, line, message))

    def document(self, rel: str) -> Document | None:
        """The parsed Markdown file `rel`, or None after reporting why it is unusable."""
        text = self.texts.get(rel)
        if text is None:
            return None
        doc = split_front_matter(text)
        for line, message in doc.errors:
            self.report(rel, line, message)
        if doc.meta is None and not doc.errors:
            doc.meta = LineDict()
        return None if doc.meta is None else doc


def read_all(build: Build) -> tuple[str, list[str]]:
    """Read every file once: the version hash, the text of each file the engine parses, and
    the size and sha256 of each kit file (streamed in chunks, never decoded nor held whole)."""
    hasher = hashlib.sha256()
    listing = list_files(build.root)
    for rel, message in listing.unreadable + listing.unreadable_folders:
        build.report(rel, 1, message)
    files = sorted(listing.files, key=lambda item: item[0])
    known = {rel for rel, _ in files}
    # An unreadable entry still takes its place in the layout (no "missing file" cascade).
    rels = sorted(known.union(rel for rel, _ in listing.unreadable))
    buffer = bytearray(CHUNK_BYTES)
    for rel, entry in files:
        is_asset = is_kit_asset(rel)
        try:
            # Folders are never followed, so only a symlinked file can lead out of files/.
            if is_asset and entry.is_symlink() and links_outside_kit(build.root, rel):
                build.report(rel, 1, _LINKS_OUT)
            elif is_asset:
                build.assets[rel] = stream(entry.path, rel, hasher, buffer, hashlib.sha256())
            elif rel.split("/", 1)[0] == BRAND:
                data = read_small(entry.path, rel, hasher, MAX_BRAND_FILE_BYTES, build.report)
                if data is not None:
                    build.brand_files[rel] = data
            elif is_content_image(rel):
                image, problems = read_image(entry.path, rel, hasher)
                for line, message in problems:
                    build.report(rel, line, message)
                if image is not None:
                    build.images[rel] = image
            elif rel == PROGRAM_FILE or rel.split("/", 1)[0] in _TEXT_FOLDERS or is_kit_text(rel):
                text = read_text(entry.path, rel, hasher, build.report)
                if text is not None:
                    build.texts[rel] = text
            else:  # not read by this engine, but part of the version
                stream(entry.path, rel, hasher, buffer, None)
        except OSError as exc:
            build.report(rel, 1, f"cannot read the file: {reason(exc)}")
    return hasher.hexdigest()[:16], rels


_LINKS_OUT = (
    "the file links outside the kit's files folder (a symbolic link to a file elsewhere): "
    "put the file itself in the folder"
)
