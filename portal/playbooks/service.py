"""Which playbooks a user may see, and the library of them grouped by kind and tag.

Plain functions over the content index: no request, no database. A partner sees an item when
its audience admits the organisation's partner type and tier (never a staff-only one); staff see
the staff-only items, their handbook. Anything a user may not see is treated exactly like
something that does not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from portal.accounts.access import audience_check
from portal.accounts.models import User
from portal.content.library import PLAYBOOK_KINDS, Playbook
from portal.content.model import ContentIndex

KIND_NAMES: dict[str, str] = {
    "talk-tracks": "Talk tracks",
    "battle-cards": "Battle cards",
    "objections": "Objection handling",
    "use-cases": "Use cases",
}
# One item of a kind, e.g. "Battle card" beside a related item.
KIND_SINGULAR: dict[str, str] = {
    "talk-tracks": "Talk track",
    "battle-cards": "Battle card",
    "objections": "Objection",
    "use-cases": "Use case",
}
# Filter values are echoed in messages; nothing longer is a real kind or tag.
FILTER_MAX = 60


@dataclass(frozen=True)
class KindGroup:
    """The items of one kind, in title order."""

    kind: str
    name: str
    items: tuple[Playbook, ...]


@dataclass(frozen=True)
class KindCount:
    """A kind for the kind tabs: how many visible items (matching the tag filter) it has."""

    kind: str
    name: str
    count: int


@dataclass(frozen=True)
class TagCount:
    """A tag for the tag links: how many visible items (matching the kind filter) carry it."""

    tag: str
    count: int


@dataclass(frozen=True)
class Library:
    """The playbook library as one user sees it, with the filters that were applied."""

    groups: tuple[KindGroup, ...]  # kinds with matching items, in PLAYBOOK_KINDS order
    kinds: tuple[KindCount, ...]  # every kind, in PLAYBOOK_KINDS order
    tags: tuple[TagCount, ...]  # by tag
    kind: str | None  # the kind filter applied (None: every kind)
    tag: str | None  # the tag filter applied (None: every tag)
    all_count: int  # visible items matching the tag filter, over every kind
    problems: tuple[str, ...] = ()  # filters that were ignored, in the partner's words

    @property
    def total(self) -> int:
        """How many items the library shows."""
        return sum(len(group.items) for group in self.groups)

    @property
    def kind_name(self) -> str | None:
        return KIND_NAMES.get(self.kind) if self.kind else None


def kind_name(kind: str) -> str:
    """The human name of a kind ("Battle cards"); the kind itself when unknown."""
    return KIND_NAMES.get(kind, kind)


def _sorted(items: Iterable[Playbook]) -> list[Playbook]:
    return sorted(items, key=lambda p: (PLAYBOOK_KINDS.index(p.kind), p.title.casefold(), p.id))


def visible_playbooks(user: User, index: ContentIndex) -> list[Playbook]:
    """Every playbook the user may see, by kind (PLAYBOOK_KINDS order), then title."""
    admits = audience_check(user, index.program)
    return _sorted(p for p in index.playbooks.values() if admits(p.audience))


def playbook_for(user: User, index: ContentIndex, kind: str, playbook_id: str) -> Playbook | None:
    """The playbook `kind/id` if it exists and the user may see it, else None."""
    playbook = index.playbooks.get(f"{kind}/{playbook_id}")
    if playbook is None or not audience_check(user, index.program)(playbook.audience):
        return None
    return playbook


def related_for(user: User, index: ContentIndex, playbook: Playbook) -> list[Playbook]:
    """The playbook's related items that exist and the user may see, in the order listed."""
    admits = audience_check(user, index.program)
    related = (index.playbooks.get(key) for key in playbook.related)
    return [p for p in related if p is not None and admits(p.audience)]


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:FILTER_MAX] if value else None


def library(
    user: User, index: ContentIndex, kind: str | None = None, tag: str | None = None
) -> Library:
    """The user's library filtered by kind and tag; an unknown filter is ignored and named in
    `problems` (a tag no visible item carries is unknown: hidden items are not revealed)."""
    visible = visible_playbooks(user, index)
    problems: list[str] = []
    kind, tag = _clean(kind), _clean(tag)
    if kind is not None and kind not in PLAYBOOK_KINDS:
        problems.append(f"There is no kind of playbook called “{kind}”. Showing every kind.")
        kind = None
    if tag is not None and not any(tag in p.tags for p in visible):
        problems.append(f"No playbook is tagged “{tag}”. Showing every tag.")
        tag = None

    with_tag = [p for p in visible if tag is None or tag in p.tags]
    of_kind = [p for p in visible if kind is None or p.kind == kind]
    kind_counts = Counter(p.kind for p in with_tag)
    tag_counts = Counter(t for p in of_kind for t in p.tags)
    shown = [p for p in with_tag if kind is None or p.kind == kind]
    groups = tuple(
        KindGroup(k, KIND_NAMES[k], tuple(p for p in shown if p.kind == k))
        for k in PLAYBOOK_KINDS
        if kind_counts[k] and (kind is None or k == kind)
    )
    return Library(
        groups=groups,
        kinds=tuple(KindCount(k, KIND_NAMES[k], kind_counts[k]) for k in PLAYBOOK_KINDS),
        tags=tuple(TagCount(t, n) for t, n in sorted(tag_counts.items())),
        kind=kind,
        tag=tag,
        all_count=len(with_tag),
        problems=tuple(problems),
    )
