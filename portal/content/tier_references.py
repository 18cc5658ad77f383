"""Tier criteria that name other content: learning paths (the partner agreement that
`agreement_accepted` reads is checked in portal.content.agreement).

Checked once the learning paths and checklists are loaded (portal.content.loader), so a
criterion can say which file is missing what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from portal.content.model import Checklist, ContentProblem, Criterion, LearningPath, Program

__all__ = ["reference_problems"]


def reference_problems(
    program: Program,
    paths: Mapping[str, LearningPath],
    path_ids: Iterable[str],
    checklists: Mapping[str, Checklist],
    source: str,
) -> list[ContentProblem]:
    """Criteria naming a learning path or onboarding step that does not exist, or that some
    partner type the criterion applies to could never meet."""
    problems: list[ContentProblem] = []
    known_paths = set(path_ids)
    all_types = tuple(t.id for t in program.partner_types)
    for tier in program.tiers:
        for criterion in _flatten(tier.criteria):
            types = criterion.partner_types or all_types
            if criterion.path is not None:
                problems.extend(_path_problems(criterion, types, paths, known_paths, source))
    routing = program.leads.routing
    if routing.certification and routing.certification not in known_paths:
        problems.append(
            ContentProblem(
                source,
                routing.certification_line,
                f"leads.routing names unknown learning path '{routing.certification}' "
                f"(paths: {', '.join(sorted(known_paths))})",
            )
        )
    return problems


def _flatten(criteria: tuple[Criterion, ...]) -> Iterable[Criterion]:
    for criterion in criteria:
        yield criterion
        yield from criterion.options


def _path_problems(
    criterion: Criterion,
    types: tuple[str, ...],
    paths: Mapping[str, LearningPath],
    known: set[str],
    source: str,
) -> list[ContentProblem]:
    path_id = criterion.path or ""
    if path_id not in known:
        names = ", ".join(sorted(known)) or "none"
        message = f"criterion names unknown learning path '{path_id}' (paths: {names})"
        return [ContentProblem(source, criterion.line, message)]
    path = paths.get(path_id)
    if path is None:
        return []  # the path's own file has problems, reported there
    shut_out = [t for t in types if not path.is_for(t)]
    if not shut_out:
        return []
    message = (
        f"learning path '{path_id}' is not for partner type {_names(shut_out)} (its audience "
        "leaves it out), so they could never meet this criterion: limit it with "
        "partner_types"
    )
    return [ContentProblem(source, criterion.line, message)]


def _names(type_ids: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in type_ids)
