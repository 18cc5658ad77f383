"""playbooks/<kind>/<id>.md: talk tracks, battle cards, objections and use cases."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from portal.content import fields as f
from portal.content.audience import read_audience, read_tags
from portal.content.fields import Source
from portal.content.frontmatter import Document, LineDict, LineList
from portal.content.kits import ContentReader
from portal.content.library import PLAYBOOK_KINDS, ComparisonTable, Playbook
from portal.content.model import Program

PLAYBOOKS = "playbooks"
COMMON_REQUIRED = ("title", "summary")
COMMON_OPTIONAL = ("audience", "tags", "related")
# Per kind: (required keys, optional keys) on top of the common ones; every other kind's
# special keys are unknown keys (an objection's `metric` is a mistake, not extra data).
KIND_KEYS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "talk-tracks": ((), ()),
    "battle-cards": ((), ("comparison",)),
    "objections": (("objection", "short_answer"), ()),
    "use-cases": (("industry", "problem", "outcome", "metric"), ()),
}
_SHAPE = f"playbooks/ holds <kind>/<id>.md files (kinds: {', '.join(PLAYBOOK_KINDS)})"


def sort_playbook_files(report: Callable[[str, int, str], None], rels: list[str]) -> dict[str, str]:
    """Every well-named playbook file as key "<kind>/<id>" -> rel; report the others."""
    found: dict[str, str] = {}
    bad_kinds: set[str] = set()
    for rel in rels:
        parts = rel.split("/")
        if len(parts) != 3 or not parts[2].endswith(".md"):
            report(rel, 1, f"unexpected file: {_SHAPE}")
            continue
        kind, item_id = parts[1], parts[2][:-3]
        if kind not in PLAYBOOK_KINDS:
            if kind not in bad_kinds:
                bad_kinds.add(kind)
                report(
                    rel,
                    1,
                    f"unknown playbook kind folder '{kind}' (kinds: {', '.join(PLAYBOOK_KINDS)})",
                )
            continue
        if not f.is_slug(item_id):
            report(
                rel, 1, f"the file name must be a lower-case slug id (a-z, 0-9, -): {parts[2]!r}"
            )
            continue
        found[f"{kind}/{item_id}"] = rel
    return found


def build_playbooks(
    reader: ContentReader, files: Mapping[str, str], program: Program | None
) -> list[Playbook]:
    """Validate and build every playbook; `related` keys are checked against `files`."""
    playbooks = []
    related_lines: dict[tuple[str, str], int] = {}  # (playbook key, related key) -> file line
    for key in sorted(files):
        rel = files[key]
        doc = reader.document(rel)
        if doc is None:
            continue
        kind, item_id = key.split("/", 1)
        playbook = _build_playbook(reader.source(rel), kind, item_id, doc, files, program)
        if playbook is not None:
            reader.links.add_markdown(rel, doc.body, doc.body_line)
            playbooks.append(playbook)
            items = doc.meta.get("related") if isinstance(doc.meta, LineDict) else None
            for name in playbook.related:
                line = items.line_of_value(name) if isinstance(items, LineList) else 1
                related_lines[(key, name)] = line
    _check_related_audiences(reader, playbooks, related_lines)
    return playbooks


def _check_related_audiences(
    reader: ContentReader, playbooks: list[Playbook], lines: Mapping[tuple[str, str], int]
) -> None:
    """A related item is a link: partner playbooks and staff-only ones never point at each
    other (partners may not see the one, the partner team cannot open the other's page)."""
    staff_only = {p.key: p.audience.staff_only for p in playbooks}
    for playbook in playbooks:
        for name in playbook.related:
            if name in staff_only and staff_only[name] != playbook.audience.staff_only:
                reason = (
                    "is for the partner team only"
                    if staff_only[name]
                    else "is a partner playbook the partner team's handbook cannot link to"
                )
                line = lines[(playbook.key, name)]
                reader.report(playbook.source, line, f"related item '{name}' {reason}")


def playbook_sort_key(playbook: Playbook) -> tuple[int, str, str]:
    """Playbooks list by kind (in PLAYBOOK_KINDS order), then title, then id."""
    return (PLAYBOOK_KINDS.index(playbook.kind), playbook.title.casefold(), playbook.id)


def _build_playbook(
    src: Source,
    kind: str,
    item_id: str,
    doc: Document,
    known: Collection[str],
    program: Program | None,
) -> Playbook | None:
    meta = f.mapping(src, doc.meta, "front matter", 2)
    if meta is None:
        return None
    what = f"{kind[:-1]} front matter"  # "battle-card front matter"
    required, optional = KIND_KEYS[kind]
    f.check_keys(src, meta, what, (*COMMON_REQUIRED, *required), (*COMMON_OPTIONAL, *optional))
    comparison = None
    if "comparison" in optional and meta.get("comparison") is not None:
        comparison = _comparison(src, meta)

    def text(key: str) -> str:
        return f.text(src, meta, key, what) if key in required else ""

    return Playbook(
        id=item_id,
        kind=kind,
        title=f.text(src, meta, "title", what),
        summary=f.text(src, meta, "summary", what),
        audience=read_audience(src, meta, what, program, staff_allowed=True),
        tags=read_tags(src, meta, what),
        related=_related(src, meta, what, f"{kind}/{item_id}", known),
        body=doc.body,
        source=src.path,
        comparison=comparison,
        objection=text("objection"),
        short_answer=text("short_answer"),
        industry=text("industry"),
        problem=text("problem"),
        outcome=text("outcome"),
        metric=text("metric"),
    )


def _related(
    src: Source, meta: LineDict, what: str, own_key: str, known: Collection[str]
) -> tuple[str, ...]:
    names = f.text_list(src, meta, "related", what)
    items = meta.get("related")
    result: list[str] = []
    for name in names:
        line = items.line_of_value(name) if isinstance(items, LineList) else meta.line
        kind, _, item_id = name.partition("/")
        if kind not in PLAYBOOK_KINDS or not f.is_slug(item_id):
            src.report(
                line,
                f"related item {name!r} must be <kind>/<id>, e.g. objections/too-expensive "
                f"(kinds: {', '.join(PLAYBOOK_KINDS)})",
            )
        elif name == own_key:
            src.report(line, "a playbook cannot be related to itself")
        elif name not in known:
            src.report(line, f"related item '{name}' does not exist (no {PLAYBOOKS}/{name}.md)")
        elif name in result:
            src.report(line, f"related item '{name}' is listed twice")
        else:
            result.append(name)
    return tuple(result)


def _comparison(src: Source, meta: LineDict) -> ComparisonTable | None:
    """A battle card's `comparison:` table: columns, and rows of exactly as many cells."""
    table = f.mapping(src, meta["comparison"], "'comparison'", meta.line_of("comparison"))
    if table is None:
        return None
    what = "comparison"
    f.check_keys(src, table, what, ("columns", "rows"), ("caption",))
    columns = f.text_list(src, table, "columns", what)
    if "columns" in table and not columns:
        src.report(table.line_of("columns"), "comparison 'columns' needs at least one column")
    rows = f.item_list(src, table, "rows", what)
    if rows is None:
        rows = LineList()  # absent or not a list: already reported
    elif not rows:
        src.report(table.line_of("rows"), "comparison 'rows' needs at least one row")
    built = []
    for index, row in enumerate(rows):
        line = rows.line_of(index)
        cells = _cells(src, row, line, index + 1)
        if cells is None:
            continue
        if columns and len(cells) != len(columns):
            src.report(
                line,
                f"comparison row {index + 1} has {len(cells)} cell(s) but there are "
                f"{len(columns)} columns",
            )
            continue
        built.append(cells)
    return ComparisonTable(
        caption=f.text(src, table, "caption", what), columns=columns, rows=tuple(built)
    )


def _cells(src: Source, row: object, line: int, number: int) -> tuple[str, ...] | None:
    """A row's cells as text: numbers are written as they read (`99`, `4.5`)."""
    if not isinstance(row, LineList):
        src.report(
            line, f"comparison row {number} must be a list of cells, e.g. [Speed, Fast, Slow]"
        )
        return None
    cells = []
    for index, cell in enumerate(row):
        if isinstance(cell, str):
            cells.append(cell.strip())
        elif isinstance(cell, int | float) and not isinstance(cell, bool):
            cells.append(str(cell))
        else:
            src.report(row.line_of(index), f"each cell of comparison row {number} must be text")
            return None
    return tuple(cells)
