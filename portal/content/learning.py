"""learning/<path>/: a learning path (path.md) and its modules (NN-<id>.md) with quizzes."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import Document, LineDict
from portal.content.links import LinkCollector
from portal.content.model import LearningPath, Module
from portal.content.quiz import build_quiz

MODULE_FILE = re.compile(r"^(\d+)-(.*)\.md$")
PATH_REQUIRED = ("title", "summary", "certificate")
PATH_OPTIONAL = ("audience", "valid_days")
MODULE_REQUIRED = ("title",)
MODULE_OPTIONAL = ("summary", "minutes", "prerequisites", "quiz")


@dataclass
class ModuleFile:
    """A module file as read from disk: its name, its problems sink and its parsed document."""

    filename: str
    src: Source
    doc: Document | None


@dataclass
class _Entry:
    number: int
    module_id: str
    file: ModuleFile
    doc: Document  # the file's parsed document: entries are made only for files that parsed
    meta: LineDict


def build_path(
    path_id: str,
    src: Source,
    doc: Document | None,
    module_files: list[ModuleFile],
    type_ids: Collection[str] | None,
    links: LinkCollector,
) -> LearningPath | None:
    """Validate path.md and every module of one path; build the path (None when unusable).

    `type_ids` are the program's partner types (None when program.yml is unusable, which
    skips the audience check).
    """
    entries = _module_entries(path_id, module_files)
    if doc is None:
        return None
    meta = f.mapping(src, doc.meta, "front matter", 2)
    if meta is None:
        return None
    what = "path front matter"
    f.check_keys(src, meta, what, PATH_REQUIRED, PATH_OPTIONAL)
    audience = f.text_list(src, meta, "audience", what)
    if type_ids is not None:
        for type_id in audience:
            if type_id not in type_ids:
                line = meta["audience"].line_of_value(type_id)
                src.report(
                    line,
                    f"audience names unknown partner type '{type_id}' "
                    f"(partner types: {', '.join(sorted(type_ids))})",
                )
    links.add_markdown(src.path, doc.body, doc.body_line)
    if not entries and not any(mf.doc is None for mf in module_files):
        src.report(1, f"learning path '{path_id}' has no modules: add files named NN-<id>.md")
    known = [e.module_id for e in entries]
    modules = []
    for position, entry in enumerate(entries, start=1):
        module = _build_module(path_id, position, entry, known, links)
        if module is not None:
            modules.append(module)
    return LearningPath(
        id=path_id,
        title=f.text(src, meta, "title", what),
        summary=f.text(src, meta, "summary", what),
        audience=audience,
        certificate=f.text(src, meta, "certificate", what),
        valid_days=f.integer(src, meta, "valid_days", what, minimum=1),
        intro=doc.body,
        modules=tuple(modules),
        source=src.path,
    )


def _module_entries(path_id: str, module_files: list[ModuleFile]) -> list[_Entry]:
    """Module files in NN order, after checking their names, prefixes and ids are unique."""
    entries: list[_Entry] = []
    by_number: dict[int, str] = {}
    by_id: dict[str, str] = {}
    for module_file in sorted(module_files, key=lambda m: m.filename):
        src = module_file.src
        match = MODULE_FILE.match(module_file.filename)
        if match is None or not f.is_slug(match.group(2)):
            src.report(
                1,
                "module file names look like NN-<id>.md with a lower-case slug id "
                f"(a-z, 0-9, -), e.g. 01-welcome.md, not {module_file.filename!r}",
            )
            continue
        number, module_id = int(match.group(1)), match.group(2)
        clash = False
        if number in by_number:
            src.report(
                1, f"duplicate module number {match.group(1)}: {by_number[number]} uses it too"
            )
            clash = True
        if module_id in by_id:
            src.report(
                1,
                f"duplicate module id '{module_id}' in path '{path_id}': "
                f"{by_id[module_id]} uses it too",
            )
            clash = True
        by_number.setdefault(number, module_file.filename)
        by_id.setdefault(module_id, module_file.filename)
        if clash or module_file.doc is None:
            continue
        meta = f.mapping(src, module_file.doc.meta, "front matter", 2)
        if meta is not None:
            entries.append(_Entry(number, module_id, module_file, module_file.doc, meta))
    entries.sort(key=lambda e: e.number)
    return entries


def _build_module(
    path_id: str,
    position: int,
    entry: _Entry,
    known: list[str],
    links: LinkCollector,
) -> Module | None:
    src, doc, meta = entry.file.src, entry.doc, entry.meta
    what = "module front matter"
    f.check_keys(src, meta, what, MODULE_REQUIRED, MODULE_OPTIONAL)
    quiz = None
    if "quiz" in meta:
        quiz_map = f.mapping(src, meta["quiz"], "quiz", meta.line_of("quiz"))
        quiz = build_quiz(src, quiz_map) if quiz_map is not None else None
    links.add_markdown(src.path, doc.body, doc.body_line)
    if not doc.body.strip():
        src.report(
            doc.body_line,
            f"module '{entry.module_id}' has an empty body: write the lesson below the front "
            "matter (learners see only its title otherwise)",
        )
    return Module(
        id=entry.module_id,
        path_id=path_id,
        position=position,
        title=f.text(src, meta, "title", what),
        summary=f.text(src, meta, "summary", what),
        minutes=f.integer(src, meta, "minutes", what, minimum=1),
        body=doc.body,
        prerequisites=_prerequisites(src, meta, entry.module_id, position, known),
        quiz=quiz,
        source=src.path,
    )


def _prerequisites(
    src: Source, meta: LineDict, module_id: str, position: int, known: list[str]
) -> tuple[str, ...]:
    """Explicit prerequisites (earlier modules of the path only), else the previous module."""
    if "prerequisites" not in meta:
        return (known[position - 2],) if position > 1 else ()
    names = f.text_list(src, meta, "prerequisites", "module front matter")
    items = meta["prerequisites"]
    earlier = set(known[: position - 1])
    result: list[str] = []
    for name in names:
        line = items.line_of_value(name)
        if name == module_id:
            src.report(line, f"module '{module_id}' cannot be its own prerequisite")
        elif name not in known:
            src.report(
                line,
                f"prerequisite '{name}' is not a module of this path (modules: {', '.join(known)})",
            )
        elif name not in earlier:
            src.report(
                line,
                f"prerequisite '{name}' comes after '{module_id}' in the path; "
                "prerequisites must be earlier modules (a later one could make a cycle)",
            )
        elif name in result:
            src.report(line, f"prerequisite '{name}' is listed twice")
        else:
            result.append(name)
    return tuple(result)
