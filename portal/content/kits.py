"""kits/<kit>/: a co-marketing kit (kit.md), its downloadable files/ and co-branded templates/.

Also the audience and tag readers that playbooks share. Kit files are never decoded: the loader
reads each once, for the version hash, and hands over its size and sha256 here.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from portal.content import fields as f
from portal.content.audience import read_audience, read_tags
from portal.content.cobrand import template_problems
from portal.content.fields import Source
from portal.content.frontmatter import Document, LineDict, LineList
from portal.content.kit_limits import kit_file_problem
from portal.content.library import (
    KIT_KINDS,
    TEMPLATE_FORMATS,
    Kit,
    KitFile,
    KitTemplate,
)
from portal.content.links import LinkCollector
from portal.content.model import Program

KITS, KIT_FILE, FILES, TEMPLATES = "kits", "kit.md", "files", "templates"
PREVIEWS, PREVIEW_SUFFIX = "previews", ".png"  # previews/<file name>.png: a file's thumbnail
SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")  # no leading dot, no folders
DEFAULT_MEDIA_TYPE = "application/octet-stream"
KIT_REQUIRED = ("title", "kind", "summary")
KIT_OPTIONAL = ("audience", "tags", "files")
TEMPLATE_REQUIRED = ("title",)
TEMPLATE_OPTIONAL = ("format",)
_KIT_SHAPE = (
    "kits/ holds kits/<kit>/kit.md, kits/<kit>/files/<name>, kits/<kit>/templates/<id>.md "
    "and kits/<kit>/previews/<file name>.png"
)


class ContentReader(Protocol):
    """What kit and playbook building needs from the loader (portal.content.build.Build)."""

    links: LinkCollector

    def source(self, rel: str) -> Source: ...

    def report(self, rel: str, line: int, message: str) -> None: ...

    def document(self, rel: str) -> Document | None: ...


@dataclass(frozen=True)
class Asset:
    """A kit file as the loader read it: its size and the sha256 of its bytes."""

    size: int
    sha256: str


@dataclass
class KitLayout:
    """One kit folder's files, from names alone (so cross-checks do not cascade from errors)."""

    kit_file: str | None = None  # rel of kit.md
    files: dict[str, str] = field(default_factory=dict)  # file name -> rel
    templates: dict[str, str] = field(default_factory=dict)  # template id -> rel
    previews: dict[str, str] = field(default_factory=dict)  # file name -> rel of its preview


def is_kit_text(rel: str) -> bool:
    """True for the kit files the loader decodes as text: kit.md and templates/<id>.md."""
    parts = rel.split("/")
    return parts[0] == KITS and (
        (len(parts) == 3 and parts[2] == KIT_FILE)
        or (len(parts) == 4 and parts[2] == TEMPLATES and parts[3].endswith(".md"))
    )


def is_kit_asset(rel: str) -> bool:
    """True for a downloadable kit file (kits/<kit>/files/<name>): hashed, never decoded."""
    parts = rel.split("/")
    return len(parts) == 4 and parts[0] == KITS and parts[2] == FILES


def links_outside_kit(root: Path, rel: str) -> bool:
    """True when the kit file `rel` (kits/<kit>/files/<name>) resolves to a file outside its
    kit's files/ folder (a symbolic link elsewhere): downloads would refuse it.

    The same rule as portal.kits.storage.local_path, which serves the file.
    """
    path = root / rel
    try:
        kits_dir = (root / KITS).resolve()
        files_dir = path.parent.resolve()
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return True
    return not files_dir.is_relative_to(kits_dir) or target.parent != files_dir


def sort_kit_files(
    report: Callable[[str, int, str], None], rels: list[str]
) -> dict[str, KitLayout]:
    """Sort every file under kits/ into its kit; report files that do not belong anywhere."""
    layouts: dict[str, KitLayout] = {}
    bad_folders: set[str] = set()
    for rel in rels:
        parts = rel.split("/")
        if len(parts) < 3:
            report(rel, 1, f"unexpected file: {_KIT_SHAPE}")
            continue
        kit_id = parts[1]
        if not f.is_slug(kit_id):
            if kit_id not in bad_folders:
                bad_folders.add(kit_id)
                report(
                    rel,
                    1,
                    f"the kit folder name must be a lower-case slug id (a-z, 0-9, -): {kit_id!r}",
                )
            continue
        layout = layouts.setdefault(kit_id, KitLayout())
        _place(report, layout, rel, parts[2:])
    for kit_id, layout in layouts.items():
        if layout.kit_file is None:
            report(
                f"{KITS}/{kit_id}/{KIT_FILE}",
                1,
                f"missing {KIT_FILE}: every folder in kits/ is a kit and needs one",
            )
    return layouts


def _place(
    report: Callable[[str, int, str], None], layout: KitLayout, rel: str, rest: list[str]
) -> None:
    if rest == [KIT_FILE]:
        layout.kit_file = rel
    elif rest[0] == FILES and len(rest) == 2:
        if SAFE_FILE_NAME.match(rest[1]):
            layout.files[rest[1]] = rel
        else:
            report(rel, 1, f"unsafe file name {rest[1]!r}: {_SAFE_NAME_RULE}")
    elif rest[0] == FILES:
        report(rel, 1, "unexpected file: files/ holds plain files, not folders")
    elif rest[0] == TEMPLATES and len(rest) == 2 and rest[1].endswith(".md"):
        if f.is_slug(rest[1][:-3]):
            layout.templates[rest[1][:-3]] = rel
        else:
            report(
                rel,
                1,
                f"the template file name must be a lower-case slug id (a-z, 0-9, -): {rest[1]!r}",
            )
    elif rest[0] == TEMPLATES:
        report(rel, 1, "unexpected file: templates/ holds <id>.md files only")
    elif rest[0] == PREVIEWS and len(rest) == 2 and rest[1].endswith(PREVIEW_SUFFIX):
        name = rest[1][: -len(PREVIEW_SUFFIX)]
        if SAFE_FILE_NAME.match(rest[1]):
            layout.previews[name] = rel
        else:
            report(rel, 1, f"unsafe file name {rest[1]!r}: {_SAFE_NAME_RULE}")
    elif rest[0] == PREVIEWS:
        report(rel, 1, "unexpected file: previews/ holds <file name>.png thumbnails only")
    else:
        report(rel, 1, f"unexpected file: {_KIT_SHAPE}")


_SAFE_NAME_RULE = "use letters, digits, '.', '_' and '-' only, not starting with '.'"


def build_kits(
    reader: ContentReader,
    layouts: Mapping[str, KitLayout],
    assets: Mapping[str, Asset],
    program: Program | None,
) -> list[Kit]:
    """Validate and build every kit (kits with unusable kit.md are left out, reported)."""
    kits = []
    for kit_id in sorted(layouts):
        layout = layouts[kit_id]
        templates = _build_templates(reader, layout)  # checked even when kit.md is unusable
        doc = reader.document(layout.kit_file) if layout.kit_file else None
        if doc is None:
            continue
        kit = _build_kit(reader, kit_id, layout, doc, assets, program, templates)
        if kit is not None:
            kits.append(kit)
    return kits


def _build_kit(
    reader: ContentReader,
    kit_id: str,
    layout: KitLayout,
    doc: Document,
    assets: Mapping[str, Asset],
    program: Program | None,
    templates: tuple[KitTemplate, ...],
) -> Kit | None:
    src = reader.source(layout.kit_file or "")
    meta = f.mapping(src, doc.meta, "front matter", 2)
    if meta is None:
        return None
    what = "kit front matter"
    f.check_keys(src, meta, what, KIT_REQUIRED, KIT_OPTIONAL)
    kind = f.text(src, meta, "kind", what)
    if kind and kind not in KIT_KINDS:
        src.report(
            meta.line_of("kind"), f"unknown kit kind '{kind}' (kinds: {', '.join(KIT_KINDS)})"
        )
    reader.links.add_markdown(src.path, doc.body, doc.body_line)
    return Kit(
        id=kit_id,
        title=f.text(src, meta, "title", what),
        kind=kind,
        audience=read_audience(src, meta, what, program),
        summary=f.text(src, meta, "summary", what),
        body=doc.body,
        files=_kit_files(src, meta, layout, assets),
        templates=templates,
        source=src.path,
        tags=read_tags(src, meta, what),
    )


def _kit_files(
    src: Source, meta: LineDict, layout: KitLayout, assets: Mapping[str, Asset]
) -> tuple[KitFile, ...]:
    """The files listed under `files:`, in that order; each must exist and each file be listed."""
    items = f.item_list(src, meta, "files", "kit front matter") or LineList()
    listed: dict[str, int] = {}
    result = []
    for index, item in enumerate(items):
        entry = f.mapping(src, item, "each item of 'files'", items.line_of(index))
        if entry is None:
            continue
        what = "a file entry"
        f.check_keys(src, entry, what, ("name", "title"))
        name = f.text(src, entry, "name", what)
        title = f.text(src, entry, "title", what)
        line = entry.line_of("name")
        if not name:
            continue
        if not SAFE_FILE_NAME.match(name):
            src.report(line, f"unsafe file name {name!r}: {_SAFE_NAME_RULE}")
            continue
        if name in listed:
            src.report(line, f"duplicate file name '{name}' (first used on line {listed[name]})")
            continue
        listed[name] = line
        rel = layout.files.get(name)
        if rel is None:
            folder = src.path.rsplit("/", 1)[0]
            src.report(line, f"file '{name}' is listed but there is no {folder}/{FILES}/{name}")
            continue
        asset = assets.get(rel)
        if asset is None:  # unreadable: already reported by the loader
            continue
        refused = kit_file_problem(name, asset.size)
        if refused:
            src.report(line, refused)
            continue
        media_type = mimetypes.guess_type(name, strict=False)[0] or DEFAULT_MEDIA_TYPE
        preview = layout.previews.get(name, "")
        result.append(KitFile(name, title, asset.size, media_type, asset.sha256, rel, preview))
    line = meta.line_of("files")
    for name in sorted(set(layout.previews) - set(listed)):
        report_rel = layout.previews[name]
        src.report(
            line, f"{report_rel} is the preview of '{name}', which is not listed under 'files:'"
        )
    for name in sorted(set(layout.files) - set(listed)):
        src.report(
            line, f"{FILES}/{name} is not listed under 'files:': add it with a name and a title"
        )
    return tuple(result)


def _build_templates(reader: ContentReader, layout: KitLayout) -> tuple[KitTemplate, ...]:
    templates = []
    for template_id in sorted(layout.templates):
        rel = layout.templates[template_id]
        doc = reader.document(rel)
        if doc is None:
            continue
        src = reader.source(rel)
        meta = f.mapping(src, doc.meta, "front matter", 2)
        if meta is None:
            continue
        what = "template front matter"
        f.check_keys(src, meta, what, TEMPLATE_REQUIRED, TEMPLATE_OPTIONAL)
        template_format = f.text(src, meta, "format", what, default="text")
        if template_format not in TEMPLATE_FORMATS:
            src.report(
                meta.line_of("format"),
                f"unknown template format '{template_format}' "
                f"(formats: {', '.join(TEMPLATE_FORMATS)})",
            )
            template_format = "text"
        body, first_line = _trimmed(doc)
        if not body:
            src.report(doc.body_line, "the template has no text after its front matter")
        for line, message in template_problems(body, template_format):
            src.report(first_line + line - 1, message)
        templates.append(
            KitTemplate(
                id=template_id,
                title=f.text(src, meta, "title", what),
                format=template_format,
                body=body,
                source=rel,
            )
        )
    return tuple(templates)


def _trimmed(doc: Document) -> tuple[str, int]:
    """The body without leading blank lines and trailing space, and its first file line."""
    lines = doc.body.split("\n")
    skip = 0
    while skip < len(lines) and not lines[skip].strip():
        skip += 1
    text = "\n".join(lines[skip:]).rstrip()
    return (text + "\n" if text else ""), doc.body_line + skip
