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
from pathlib import Path
from types import MappingProxyType

from portal.content.agreement import agreement_terms, needs_agreement_problems
from portal.content.anchors import anchor_problems, page_anchors
from portal.content.brand import build_brand
from portal.content.build import PAGES, PROGRAM_FILE, Build, read_all
from portal.content.kits import build_kits
from portal.content.layout import Layout
from portal.content.learning_retired import RETIRED_FILE, read_retired, reused_learning_problems
from portal.content.links import LinkCollector, broken_links
from portal.content.local_refs import LocalRefs
from portal.content.markup_check import markup_problems
from portal.content.model import ContentError, ContentIndex, ContentProblem
from portal.content.pages import page_sort_key
from portal.content.playbooks import build_playbooks, playbook_sort_key
from portal.content.program_compliance import needs_compliance_problems
from portal.content.reach import reach_problems
from portal.content.rendering import render_index
from portal.content.search import build_search_index
from portal.content.sections import load_checklists, load_pages, load_paths, load_program
from portal.content.tier_references import reference_problems


def load_content(root: Path) -> ContentIndex:
    """Load and validate the content directory `root`; raise ContentError with every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), 1, "the content directory does not exist")])
    build = Build(root)
    version, rels = read_all(build)
    layout = Layout.sort(build, rels)

    program, raw_program = load_program(build)
    # Without usable partner types, cross-checks against them would only repeat that problem.
    type_ids = (
        {t.id for t in program.partner_types}
        if program is not None and program.partner_types
        else None
    )
    pages = load_pages(build, layout.pages)
    paths = load_paths(build, layout, type_ids)
    retired = read_retired(build.source(RETIRED_FILE), build.texts.get(RETIRED_FILE))
    reused_learning_problems(retired, layout.path_files, layout.module_files, build.report)
    checklists = load_checklists(build, layout.checklists, program, raw_program, paths, layout)
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
        retired_learning=retired,
    )
    narrow = reach_problems(build.links, index)
    if narrow:
        raise ContentError(sorted(narrow, key=lambda p: (p.path, p.line)))
    refs = LocalRefs(build.images, frozenset(rels), build.texts)
    index = render_index(index, refs)
    anchors = page_anchors(index)
    broken_anchors = refs.problems + anchor_problems(build.links, index, anchors)
    broken_anchors += anchor_problems(refs.fragment_links, index, anchors)
    if broken_anchors:
        raise ContentError(sorted(broken_anchors, key=lambda p: (p.path, p.line)))
    # Every check is done: the whole file texts and the collected links they needed go before
    # the search index, the load's last large allocation, is built (a lower peak memory).
    build.texts.clear()
    build.links = LinkCollector()
    del refs, anchors
    return dataclasses.replace(index, search=build_search_index(index))
