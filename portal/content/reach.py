"""Links must not lead a reader to a page their partner type or tier cannot open.

A page every partner reads may not link to a reseller-only module; a kit for Silver partners may
link to a playbook for every tier, not the other way round. Run once the index is built (every
link already resolves): each link's target must admit everyone its source admits.

Staff-only pages and playbooks (`audience: staff`) live at /staff/handbook/...: no document a
partner reads may link to them, they are always linked at that address, and the partner team
(who cannot open partner pages) links from them only to other staff-only documents.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.content.library import EVERYONE, Audience
from portal.content.links import LinkCollector, rendered_links
from portal.content.model import ContentIndex, ContentProblem


def covers(target: Audience, source: Audience, all_types: frozenset[str]) -> bool:
    """True when `target` admits every partner `source` admits (type and tier).

    An audience without partner types admits all of `all_types` (the program's types).
    Staff-only documents and partner documents have no reader in common.
    """
    if target.staff_only or source.staff_only:
        return target.staff_only and source.staff_only
    target_types = set(target.partner_types) or all_types
    source_types = set(source.partner_types) or all_types
    return source_types <= target_types and target.min_tier_rank <= source.min_tier_rank


def reach_problems(links: LinkCollector, index: ContentIndex) -> list[ContentProblem]:
    """A problem for every link whose target some readers of its source cannot open."""
    sources = _source_audiences(index)
    problems = []
    for ref in links.refs:
        message = _narrower(ref.href, sources.get(ref.source, EVERYONE), index)
        if message:
            problems.append(ContentProblem(ref.source, ref.line, message))
    for doc in links.documents:
        audience = sources.get(doc.source, EVERYONE)
        # Candidates are a superset of the real links: render only when one could be too narrow.
        if not any(_narrower(c, audience, index) for c in doc.candidates):
            continue
        for line, href in rendered_links(doc.text, doc.first_line):
            message = _narrower(href, audience, index)
            if message:
                problems.append(ContentProblem(doc.source, line, message))
    return problems


def _narrower(href: str, source: Audience, index: ContentIndex) -> str | None:
    target, name = _target_audience(href, index)
    misaddressed = _misaddressed(href, index)
    if misaddressed:
        return misaddressed
    if not source.staff_only and urlsplit(href).path.rstrip("/") == "/staff/handbook":
        return f"link {href}: the handbook is for the partner team only; partners read this file"
    all_types = frozenset(t.id for t in index.program.partner_types)
    if target is None or covers(target, source, all_types):
        return None
    return (
        f"link {href}: {name} is for {_describe(target, index)}, but this file is read by "
        f"{_describe(source, index)}; link to something they can all open, or narrow this "
        f"file's audience"
    )


def _parts(href: str) -> list[str]:
    if not href.startswith("/") or href.startswith("//"):
        return []
    parts = urlsplit(href).path.split("/")[1:]
    if parts[:2] == ["staff", "handbook"] and len(parts) == 4:
        # The handbook addresses the same documents: /staff/handbook/pages/<id> is the page
        # /program/<id>, /staff/handbook/<kind>/<id> the playbook /playbooks/<kind>/<id>.
        if parts[2] == "pages":
            return ["program", parts[3]]
        return ["playbooks", parts[2], parts[3]]
    return parts


def _misaddressed(href: str, index: ContentIndex) -> str | None:
    """A staff-only document linked at its partner address, or a partner one in the handbook."""
    parts = _parts(href)
    if not parts:
        return None
    in_handbook = urlsplit(href).path.startswith("/staff/handbook/")
    target, name = _target_audience(href, index)
    if target is None or target.staff_only == in_handbook:
        return None
    if in_handbook:
        return f"link {href}: {name} is not a staff-only document; link it at its own address"
    rest = f"pages/{parts[1]}" if parts[0] == "program" else "/".join(parts[1:])
    where = f"/staff/handbook/{rest}"
    return f"link {href}: {name} is for the partner team only; link it as {where}"


def _target_audience(href: str, index: ContentIndex) -> tuple[Audience | None, str]:
    parts = _parts(href)
    if not parts:
        return None, ""
    if parts[0] == "program" and len(parts) == 2 and parts[1] in index.pages:
        return index.pages[parts[1]].audience, f"page '{parts[1]}'"
    if parts[0] == "learn" and len(parts) in (2, 3) and parts[1] in index.paths:
        path = index.paths[parts[1]]
        return Audience(partner_types=path.audience), f"learning path '{path.id}'"
    if parts[0] == "kits" and len(parts) == 2 and parts[1] in index.kits:
        return index.kits[parts[1]].audience, f"kit '{parts[1]}'"
    if parts[0] == "playbooks" and len(parts) == 3:
        playbook = index.playbooks.get(f"{parts[1]}/{parts[2]}")
        if playbook is not None:
            return playbook.audience, f"playbook '{playbook.key}'"
    return None, ""


def _source_audiences(index: ContentIndex) -> dict[str, Audience]:
    """Who reads each file: a checklist its type, the rest their audience (pages: everyone,
    unless staff-only)."""
    audiences: dict[str, Audience] = {p.source: p.audience for p in index.pages.values()}
    for path in index.paths.values():
        audience = Audience(partner_types=path.audience)
        audiences[path.source] = audience
        for module in path.modules:
            audiences[module.source] = audience
    for checklist in index.checklists.values():
        audiences[checklist.source] = Audience(partner_types=(checklist.partner_type,))
    for kit in index.kits.values():
        audiences[kit.source] = kit.audience
    for playbook in index.playbooks.values():
        audiences[playbook.source] = playbook.audience
    return audiences


def _describe(audience: Audience, index: ContentIndex) -> str:
    if audience.staff_only:
        return "the partner team only"
    if not audience.partner_types:
        who = "every partner type"
    else:
        who = ", ".join(index.program.partner_type_name(t) for t in audience.partner_types)
    if audience.min_tier_rank:
        tier = audience.min_tier or next(
            (t.id for t in index.program.tiers if t.rank == audience.min_tier_rank), "?"
        )
        who += f" from tier {tier}"
    return who
