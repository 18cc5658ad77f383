"""onboarding/<type>.md: the onboarding checklist for one partner type."""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import Document, LineDict, LineList
from portal.content.links import LinkCollector, check_step_link
from portal.content.model import STEP_KINDS, Checklist, Step

STEP_REQUIRED = ("id", "kind", "title")
STEP_OPTIONAL = ("description", "required", "link", "path")


def build_checklist(
    src: Source,
    partner_type: str,
    doc: Document,
    links: LinkCollector,
) -> tuple[Checklist | None, dict[str, int]]:
    """Validate one checklist; also return the learning path ids its steps name, with lines."""
    meta = f.mapping(src, doc.meta, "front matter", 2)
    if meta is None:
        return None, {}
    what = "checklist front matter"
    f.check_keys(src, meta, what, ("title", "steps"))
    items = f.item_list(src, meta, "steps", what)
    if items is None:
        items = LineList()  # absent or not a list: already reported
    elif not items:
        src.report(meta.line_of("steps"), "'steps' needs at least one step")
    steps: list[Step] = []
    path_refs: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        entry = f.mapping(src, item, "each step", line)
        if entry is None:
            continue
        step = _build_step(src, entry, links)
        if step is None:
            continue
        f.unique(src, seen, step.id, line, "step id")
        if step.path is not None:
            path_refs.setdefault(step.path, entry.line_of("path"))
        steps.append(step)
    links.add_markdown(src.path, doc.body, doc.body_line)
    checklist = Checklist(
        partner_type=partner_type,
        title=f.text(src, meta, "title", what),
        intro=doc.body,
        steps=tuple(steps),
        source=src.path,
    )
    return checklist, path_refs


def _build_step(src: Source, entry: LineDict, links: LinkCollector) -> Step | None:
    what = "a step"
    f.check_keys(src, entry, what, STEP_REQUIRED, STEP_OPTIONAL)
    step_id = f.slug(src, entry, "id", what)
    kind = f.text(src, entry, "kind", what)
    if kind and kind not in STEP_KINDS:
        src.report(
            entry.line_of("kind"),
            f"unknown step kind '{kind}' (kinds: {', '.join(STEP_KINDS)})",
        )
        kind = ""
    path = f.slug(src, entry, "path", what)
    if kind == "learning_path" and "path" not in entry:
        src.report(entry.line, "a learning_path step needs 'path': the id of a learning path")
    if kind and kind != "learning_path" and "path" in entry:
        src.report(entry.line_of("path"), f"'path' is only for learning_path steps, not {kind}")
        path = None
    link = f.text(src, entry, "link", what) or None
    if link is not None:
        problem = check_step_link(link)
        if problem:
            src.report(entry.line_of("link"), problem)
            link = None
        else:
            links.add(src.path, entry.line_of("link"), link)
    description = f.text(src, entry, "description", what)
    links.add_markdown(src.path, description, entry.line_of("description"))
    title = f.text(src, entry, "title", what)
    required = f.boolean(src, entry, "required", what, default=True)
    if step_id is None or not kind:
        return None
    return Step(
        id=step_id,
        kind=kind,
        title=title,
        description=description,
        required=required,
        path=path,
        link=link,
    )
