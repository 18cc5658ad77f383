"""Every Markdown text of a validated index rendered to sanitised HTML, once, at load.

The index a load returns carries the HTML of each page, checklist, step, learning path, module,
kit and playbook: requests only read it, so no request ever parses Markdown or waits for
another's rendering.

Headings never take an id the page already uses (portal.content.headings): PAGE_IDS on every
page; on the onboarding page, where the checklist's intro and every step's description share
one page, also the steps' own ids and the ids of the texts above.

A text already rendered by the previous load is not rendered again: a development reload after
one edit, or a test suite loading the same content many times, renders only what changed. The
HTML depends on the text and the ids it must avoid alone (one fixed renderer configuration), so
reusing it by both is exact. Only the latest load's texts are kept, and the live index holds the
same strings, so the memo costs next to no memory.

Images and links to other Markdown files depend on the file a text is in, so they are resolved
after the memo, per file (portal.content.local_refs), when the load passes its references.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType

from portal.content.headings import PAGE_IDS, element_ids, step_ids
from portal.content.local_refs import LocalRefs
from portal.content.markdown import render_markdown
from portal.content.model import Checklist, ContentIndex, LearningPath

Render = Callable[..., str]  # (text, source, reserved ids = PAGE_IDS) -> HTML
_Key = tuple[str, frozenset[str]]

# (Markdown text, reserved ids) -> its sanitised HTML, for every text of the latest render_index
# call. Replaced whole (one assignment) at the end of each call, so concurrent loads never see
# it half built.
_latest: Mapping[_Key, str] = MappingProxyType({})


def render_index(index: ContentIndex, refs: LocalRefs | None = None) -> ContentIndex:
    """`index` with every Markdown text rendered to sanitised HTML in its `html` fields.

    With `refs`, images and `.md` links are resolved, their problems collected in `refs`."""
    global _latest
    previous = _latest
    rendered: dict[_Key, str] = {}

    def render(text: str, source: str, reserved: frozenset[str] = PAGE_IDS) -> str:
        key = (text, reserved)
        html = rendered.get(key)
        if html is None:
            html = previous.get(key)
            if html is None:
                html = render_markdown(text, reserved)
            rendered[key] = html
        return refs.resolve(html, source) if refs is not None else html

    replace = dataclasses.replace
    result = replace(
        index,
        pages=MappingProxyType(
            {key: replace(p, html=render(p.body, p.source)) for key, p in index.pages.items()}
        ),
        checklists=MappingProxyType(
            {k: _checklist(c, render) for k, c in index.checklists.items()}
        ),
        paths=MappingProxyType({key: _path(p, render) for key, p in index.paths.items()}),
        kits=MappingProxyType(
            {key: replace(k, html=render(k.body, k.source)) for key, k in index.kits.items()}
        ),
        playbooks=MappingProxyType(
            {key: replace(p, html=render(p.body, p.source)) for key, p in index.playbooks.items()}
        ),
    )
    _latest = MappingProxyType(rendered)
    return result


def forget_rendered_html() -> None:
    """Drop the HTML kept from the latest load, so the next load renders every text (benches)."""
    global _latest
    _latest = MappingProxyType({})


def _checklist(checklist: Checklist, render: Render) -> Checklist:
    # One page shows the intro and every step: each text avoids the ids of those above it.
    reserved = PAGE_IDS | step_ids(step.id for step in checklist.steps)
    intro_html = render(checklist.intro, checklist.source, reserved)
    reserved |= element_ids(intro_html)
    steps = []
    for step in checklist.steps:
        html = render(step.description, checklist.source, reserved)
        reserved |= element_ids(html)
        steps.append(dataclasses.replace(step, description_html=html))
    return dataclasses.replace(checklist, intro_html=intro_html, steps=tuple(steps))


def _path(path: LearningPath, render: Render) -> LearningPath:
    modules = tuple(dataclasses.replace(m, html=render(m.body, m.source)) for m in path.modules)
    return dataclasses.replace(path, intro_html=render(path.intro, path.source), modules=modules)
