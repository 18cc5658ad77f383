"""Building the program, pages, learning paths and checklists from their parsed files."""

from __future__ import annotations

from portal.content.build import LEARNING, PROGRAM_FILE, Build
from portal.content.frontmatter import LineDict, LineList, parse_yaml
from portal.content.layout import PATH_FILE, Layout
from portal.content.learning import ModuleFile, build_path
from portal.content.model import Checklist, LearningPath, Page, Program
from portal.content.onboarding import build_checklist
from portal.content.pages import build_page
from portal.content.program import build_program


def load_program(build: Build) -> tuple[Program | None, LineDict | None]:
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


def load_pages(build: Build, page_files: dict[str, str]) -> list[Page]:
    pages = []
    for page_id, rel in page_files.items():
        doc = build.document(rel)
        if doc is None:
            continue
        page = build_page(build.source(rel), page_id, doc, build.links)
        if page is not None:
            pages.append(page)
    return pages


def load_paths(build: Build, layout: Layout, type_ids: set[str] | None) -> list[LearningPath]:
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


def load_checklists(
    build: Build,
    checklist_files: dict[str, str],
    program: Program | None,
    raw_program: LineDict | None,
    paths: list[LearningPath],
    layout: Layout,
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
