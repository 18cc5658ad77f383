"""Read CONTENT_DIR, build every part of the ContentIndex and collect every problem.

Walking and reading the files is `portal.content.files`; this module decides what each file
is and builds the index from them.

`load_content` either returns a complete, immutable index, its Markdown rendered to sanitised
HTML and its search index built, or raises ContentError listing every problem found (never just
the first). Nothing is rendered for content with problems, except links to a heading that does
not exist: those are found in the rendered HTML.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from portal.content.agreement import agreement_terms, needs_agreement_problems
from portal.content.anchors import anchor_problems
from portal.content.brand import BRAND, MAX_BRAND_FILE_BYTES, build_brand
from portal.content.fields import Source, is_slug
from portal.content.files import CHUNK_BYTES, list_files, read_small, read_text, reason, stream
from portal.content.frontmatter import (
    Document,
    LineDict,
    LineList,
    parse_yaml,
    split_front_matter,
)
from portal.content.images import ContentImage, is_content_image, read_image
from portal.content.kits import (
    KITS,
    Asset,
    KitLayout,
    build_kits,
    is_kit_asset,
    is_kit_text,
    links_outside_kit,
    sort_kit_files,
)
from portal.content.learning import MODULE_FILE, ModuleFile, build_path
from portal.content.links import LinkCollector, broken_links
from portal.content.local_refs import LocalRefs
from portal.content.markup_check import markup_problems
from portal.content.model import (
    Checklist,
    ContentError,
    ContentIndex,
    ContentProblem,
    LearningPath,
    Page,
    Program,
)
from portal.content.onboarding import build_checklist
from portal.content.pages import build_page, page_sort_key
from portal.content.playbooks import (
    PLAYBOOKS,
    build_playbooks,
    playbook_sort_key,
    sort_playbook_files,
)
from portal.content.program import build_program
from portal.content.program_compliance import needs_compliance_problems
from portal.content.reach import reach_problems
from portal.content.rendering import render_index
from portal.content.search import build_search_index
from portal.content.tier_references import reference_problems

PROGRAM_FILE = "program.yml"
# Top-level folders this engine reads; anything else (README.md, ...) is not read, but still
# counts towards the version.
PAGES, ONBOARDING, LEARNING = "pages", "onboarding", "learning"
_TEXT_FOLDERS = (PAGES, ONBOARDING, LEARNING, PLAYBOOKS)
PATH_FILE = "path.md"


@dataclass
class _Build:
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


def _read_all(build: _Build) -> tuple[str, list[str]]:
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


def load_content(root: Path) -> ContentIndex:
    """Load and validate the content directory `root`; raise ContentError with every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), 1, "the content directory does not exist")])
    build = _Build(root)
    version, rels = _read_all(build)
    layout = _Layout.sort(build, rels)

    program, raw_program = _load_program(build)
    # Without usable partner types, cross-checks against them would only repeat that problem.
    type_ids = (
        {t.id for t in program.partner_types}
        if program is not None and program.partner_types
        else None
    )
    pages = _load_pages(build, layout.pages)
    paths = _load_paths(build, layout, type_ids)
    checklists = _load_checklists(build, layout.checklists, program, raw_program, paths, layout)
    if program is not None:
        program = dataclasses.replace(program, agreement=agreement_terms(pages, build.report))
        # A page with problems may be the agreement itself: no "agreement missing" cascade.
        if not any(p.path.startswith(f"{PAGES}/") for p in build.problems):
            needs_agreement_problems(program, checklists, build.report, PROGRAM_FILE)
        needs_compliance_problems(program, checklists, build.report, PROGRAM_FILE)
        build.problems.extend(
            reference_problems(
                program, {p.id: p for p in paths}, layout.path_files, checklists, PROGRAM_FILE
            )
        )
    kits = build_kits(build, layout.kits, build.assets, program)
    brand = build_brand(build.report, build.brand_files, program.vendor if program else "")
    playbooks = build_playbooks(build, layout.playbooks, program)

    modules_by_path = {path_id: set(modules) for path_id, modules in layout.module_ids.items()}
    build.problems.extend(
        broken_links(
            build.links,
            layout.pages,
            modules_by_path,
            kits={kit.id for kit in kits},
            playbooks={playbook.key for playbook in playbooks},
        )
    )
    build.problems.extend(markup_problems(build.links.texts))
    if build.problems or program is None:
        problems = sorted(build.problems, key=lambda p: (p.path, p.line))
        raise ContentError(problems or [ContentProblem(PROGRAM_FILE, 1, "program.yml is unusable")])
    index = ContentIndex(
        version=version,
        program=program,
        pages=MappingProxyType({p.id: p for p in sorted(pages, key=page_sort_key)}),
        checklists=MappingProxyType(checklists),
        paths=MappingProxyType({p.id: p for p in paths}),
        root=str(root),
        kits=MappingProxyType(
            {k.id: k for k in sorted(kits, key=lambda k: (k.title.casefold(), k.id))}
        ),
        playbooks=MappingProxyType({p.key: p for p in sorted(playbooks, key=playbook_sort_key)}),
        brand=brand,
        images=MappingProxyType(build.images),
    )
    narrow = reach_problems(build.links, index)
    if narrow:
        raise ContentError(sorted(narrow, key=lambda p: (p.path, p.line)))
    refs = LocalRefs(build.images, frozenset(rels), build.texts)
    index = render_index(index, refs)
    broken_anchors = refs.problems + anchor_problems(build.links, index)
    broken_anchors += anchor_problems(refs.fragment_links, index)
    if broken_anchors:
        raise ContentError(sorted(broken_anchors, key=lambda p: (p.path, p.line)))
    return dataclasses.replace(index, search=build_search_index(index))


@dataclass
class _Layout:
    """Which file is which, from names alone (so cross-checks do not cascade from errors)."""

    pages: dict[str, str] = field(default_factory=dict)  # page id -> rel
    checklists: dict[str, str] = field(default_factory=dict)  # partner type -> rel
    path_files: dict[str, str | None] = field(default_factory=dict)  # path id -> path.md rel
    module_files: dict[str, list[str]] = field(default_factory=dict)  # path id -> module rels
    module_ids: dict[str, list[str]] = field(default_factory=dict)  # path id -> module ids
    kits: dict[str, KitLayout] = field(default_factory=dict)  # kit id -> its files
    playbooks: dict[str, str] = field(default_factory=dict)  # "<kind>/<id>" -> rel

    @classmethod
    def sort(cls, build: _Build, rels: list[str]) -> _Layout:
        layout = cls()
        kit_rels, playbook_rels = [], []
        for rel in rels:
            parts = rel.split("/")
            top = parts[0]
            if top == PAGES:
                layout._flat(build, rel, parts, layout.pages, "pages/<id>.md")
            elif top == ONBOARDING:
                layout._flat(build, rel, parts, layout.checklists, "onboarding/<partner type>.md")
            elif top == LEARNING:
                layout._learning(build, rel, parts)
            elif top == KITS:
                kit_rels.append(rel)
            elif top == PLAYBOOKS:
                playbook_rels.append(rel)
        layout.kits = sort_kit_files(build.report, kit_rels)
        layout.playbooks = sort_playbook_files(build.report, playbook_rels)
        for path_id, path_rel in layout.path_files.items():
            if path_rel is None:
                build.report(
                    f"{LEARNING}/{path_id}/{PATH_FILE}",
                    1,
                    f"missing {PATH_FILE}: every folder in learning/ is a path and needs one",
                )
        return layout

    def _flat(self, build: _Build, rel: str, parts: list[str], into: dict, shape: str) -> None:
        name = parts[-1]
        if len(parts) != 2 or not name.endswith(".md"):
            build.report(rel, 1, f"unexpected file: this folder holds {shape} files only")
        elif not is_slug(name[:-3]):
            build.report(
                rel, 1, f"the file name must be a lower-case slug id (a-z, 0-9, -): {name!r}"
            )
        else:
            into[name[:-3]] = rel

    def _learning(self, build: _Build, rel: str, parts: list[str]) -> None:
        if is_content_image(rel):  # an image beside the modules (portal.content.images)
            return
        if len(parts) != 3 or not parts[2].endswith(".md"):
            build.report(
                rel, 1, "unexpected file: learning/ holds <path>/path.md and <path>/NN-<id>.md"
            )
            return
        path_id, name = parts[1], parts[2]
        if not is_slug(path_id):
            if name == PATH_FILE:
                build.report(
                    rel, 1, f"the path folder name must be a lower-case slug id: {path_id!r}"
                )
            return
        self.path_files.setdefault(path_id, None)
        self.module_files.setdefault(path_id, [])
        self.module_ids.setdefault(path_id, [])
        if name == PATH_FILE:
            self.path_files[path_id] = rel
            return
        self.module_files[path_id].append(rel)
        match = MODULE_FILE.match(name)
        if match:
            self.module_ids[path_id].append(match.group(2))


def _load_program(build: _Build) -> tuple[Program | None, LineDict | None]:
    text = build.texts.get(PROGRAM_FILE)
    if text is None:
        if not any(p.path == PROGRAM_FILE for p in build.problems):
            build.report(PROGRAM_FILE, 1, "missing program.yml: the program definition is required")
        return None, None
    parsed = parse_yaml(text)
    for line, message in parsed.errors:
        build.report(PROGRAM_FILE, line, message)
    if parsed.data is None and not parsed.errors:
        build.report(PROGRAM_FILE, 1, "program.yml is empty")
        return None, None
    if parsed.data is None:
        return None, None
    program = build_program(build.source(PROGRAM_FILE), parsed.data)
    return program, parsed.data if isinstance(parsed.data, LineDict) else None


def _load_pages(build: _Build, page_files: dict[str, str]) -> list[Page]:
    pages = []
    for page_id, rel in page_files.items():
        doc = build.document(rel)
        if doc is None:
            continue
        page = build_page(build.source(rel), page_id, doc, build.links)
        if page is not None:
            pages.append(page)
    return pages


def _load_paths(build: _Build, layout: _Layout, type_ids: set[str] | None) -> list[LearningPath]:
    paths = []
    for path_id in sorted(layout.path_files):
        path_rel = layout.path_files[path_id]
        doc = build.document(path_rel) if path_rel else None
        module_files = [
            ModuleFile(rel.rsplit("/", 1)[1], build.source(rel), build.document(rel))
            for rel in layout.module_files[path_id]
        ]
        src = build.source(path_rel or f"{LEARNING}/{path_id}/{PATH_FILE}")
        path = build_path(path_id, src, doc, module_files, type_ids, build.links)
        if path is not None:
            paths.append(path)
    return paths


def _load_checklists(
    build: _Build,
    checklist_files: dict[str, str],
    program: Program | None,
    raw_program: LineDict | None,
    paths: list[LearningPath],
    layout: _Layout,
) -> dict[str, Checklist]:
    built_paths = {p.id: p for p in paths}
    checklists: dict[str, Checklist] = {}
    for partner_type, rel in checklist_files.items():
        if program is not None and program.partner_types and not program.partner_type(partner_type):
            build.report(
                rel,
                1,
                f"'{partner_type}' is not a partner type in program.yml "
                f"(partner types: {', '.join(t.id for t in program.partner_types)})",
            )
        doc = build.document(rel)
        if doc is None:
            continue
        src = build.source(rel)
        checklist, path_refs = build_checklist(src, partner_type, doc, build.links)
        for path_id, line in path_refs.items():
            if path_id not in layout.path_files:
                known = ", ".join(sorted(layout.path_files)) or "none"
                src.report(line, f"step names unknown learning path '{path_id}' (paths: {known})")
            elif path_id in built_paths and not built_paths[path_id].is_for(partner_type):
                src.report(
                    line,
                    f"learning path '{path_id}' is not for partner type '{partner_type}' "
                    "(its audience leaves it out), so this step could never be done",
                )
        if checklist is not None:
            checklists[partner_type] = checklist
    if program is not None:
        for declared in program.partner_types:
            if declared.id not in checklist_files:
                build.report(
                    PROGRAM_FILE,
                    _partner_type_line(raw_program, declared.id),
                    f"partner type '{declared.id}' has no onboarding checklist: "
                    f"add onboarding/{declared.id}.md",
                )
        order = [t.id for t in program.partner_types]
        checklists = dict(sorted(checklists.items(), key=lambda kv: _index(order, kv[0])))
    return checklists


def _partner_type_line(raw_program: LineDict | None, type_id: str) -> int:
    if raw_program is None:
        return 1
    items = raw_program.get("partner_types")
    if not isinstance(items, LineList):
        return 1
    for index, item in enumerate(items):
        if isinstance(item, LineDict) and item.get("id") == type_id:
            return items.line_of(index)
    return raw_program.line_of("partner_types")


def _index(order: list[str], value: str) -> int:
    return order.index(value) if value in order else len(order)
