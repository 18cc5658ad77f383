"""program.yml's tiers: requirements as criteria, attested facts, and the tier rules.

Each requirement of a tier is a criterion with a `kind` and a `label` people read, or an
`any_of` group of criteria. Everything is checked here that program.yml alone can tell
(kinds, keys, numbers, windows, partner types, fact ids, the order of the tiers); learning
paths and onboarding steps live in other files and are checked by
portal.content.tier_references once those are loaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList
from portal.content.model import (
    ANY_OF,
    CRITERION_KINDS,
    MEETING_KINDS,
    AttestedFact,
    Criterion,
    Tier,
    TierRules,
)
from portal.money import MAX_MINOR

WHAT = "a tier requirement"
LABEL_MAX = 300
COUNT_MAX = 100_000
AMOUNT_MAX = 10**12  # whole currency units
WINDOW_MAX = 3660  # ten years of days: a trailing window longer than that is a typo
DEFAULT_GRACE_DAYS = TierRules().grace_days

# The keys each kind takes besides kind, label and partner_types: (required, optional).
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agreement_accepted": ((), ()),
    "onboarding_complete": ((), ()),
    "certified_people": (("count",), ("path",)),
    "accepted_referrals": (("count", "window_days"), ()),
    "won_deals": (("count", "window_days"), ()),
    "won_value": (("amount", "window_days"), ()),
    "staff_attested": (("fact",), ()),
    "compliance_current": ((), ()),
}
assert tuple(KIND_KEYS) == CRITERION_KINDS


@dataclass(frozen=True)
class _Context:
    """What criteria are checked against: the program's partner types, facts and currency."""

    type_ids: frozenset[str]
    fact_ids: frozenset[str]
    exponent: int


def build_tier_rules(src: Source, root: LineDict) -> TierRules:
    """The `tier_rules` section: grace days and whether upgrades wait for staff approval."""
    if "tier_rules" not in root:
        return TierRules()
    section = f.mapping(src, root["tier_rules"], "'tier_rules'", root.line_of("tier_rules"))
    if section is None:
        return TierRules()
    f.check_keys(src, section, "'tier_rules'", (), ("grace_days", "upgrades_need_approval"))
    what = "'tier_rules'"
    grace = f.integer(src, section, "grace_days", what, minimum=0, maximum=WINDOW_MAX)
    return TierRules(
        grace_days=DEFAULT_GRACE_DAYS if grace is None else grace,
        upgrades_need_approval=f.boolean(src, section, "upgrades_need_approval", what, True),
    )


def build_attested_facts(src: Source, root: LineDict) -> tuple[AttestedFact, ...]:
    """The `attested_facts` list: facts the partner team records with a date and a note."""
    items = f.item_list(src, root, "attested_facts", "program.yml")
    if items is None:
        return ()
    seen: dict[str, int] = {}
    result = []
    what = "an attested fact"
    for index, item in enumerate(items):
        entry = f.mapping(src, item, "each attested fact", items.line_of(index))
        if entry is None:
            continue
        f.check_keys(
            src, entry, what, ("id", "name"), ("valid_days", "description", "from_meetings")
        )
        fact_id = f.slug(src, entry, "id", what)
        f.unique(src, seen, fact_id, items.line_of(index), "attested fact id")
        valid_days = f.integer(src, entry, "valid_days", what, minimum=1, maximum=WINDOW_MAX)
        from_meetings = _meeting_kinds(src, entry, what)
        if fact_id is not None:
            result.append(
                AttestedFact(
                    id=fact_id,
                    name=f.text(src, entry, "name", what),
                    valid_days=valid_days,
                    description=f.text(src, entry, "description", what),
                    from_meetings=from_meetings,
                )
            )
    return tuple(result)


def _meeting_kinds(src: Source, entry: LineDict, what: str) -> tuple[str, ...]:
    """`from_meetings`: the meeting kinds whose logging counts as the fact."""
    items = f.item_list(src, entry, "from_meetings", what)
    if items is None:
        return ()
    kinds: list[str] = []
    for index, item in enumerate(items):
        if item not in MEETING_KINDS:
            known = ", ".join(MEETING_KINDS)
            src.report(
                items.line_of(index),
                f"unknown meeting kind '{str(item)[:50]}' (meeting kinds: {known})",
            )
        elif item not in kinds:
            kinds.append(item)
    return tuple(kinds)


def build_tier(
    src: Source,
    entry: LineDict,
    tier_id: str,
    rank: int,
    *,
    type_ids: Iterable[str],
    facts: tuple[AttestedFact, ...],
    exponent: int,
) -> Tier:
    """One tier with its criteria (parsed from `requirements`) and benefits."""
    context = _Context(frozenset(type_ids), frozenset(x.id for x in facts), exponent)
    criteria = []
    items = f.item_list(src, entry, "requirements", "a tier")
    for index, item in enumerate(items or ()):
        line = items.line_of(index) if items is not None else entry.line_of("requirements")
        criterion = _criterion(src, item, line, context, nested=False)
        if criterion is not None:
            criteria.append(criterion)
    if rank > 0 and items is not None and not items:
        src.report(entry.line_of("requirements"), _NOTHING_REQUIRED.format(tier=tier_id))
    elif rank > 0 and items is None:
        src.report(entry.line, _NOTHING_REQUIRED.format(tier=tier_id))
    return Tier(
        id=tier_id,
        name=f.text(src, entry, "name", "a tier"),
        rank=rank,
        criteria=tuple(criteria),
        benefits=f.text_list(src, entry, "benefits", "a tier"),
    )


_NOTHING_REQUIRED = (
    "tier '{tier}' has no requirements, so every organisation would qualify for it: only the "
    "entry tier (the first) may have none"
)


def _criterion(
    src: Source, item: object, line: int, context: _Context, *, nested: bool
) -> Criterion | None:
    if isinstance(item, str):
        src.report(
            line,
            "each requirement is a criterion with a kind and a label (see content/README.md), "
            f"not text: {item!r}",
        )
        return None
    entry = f.mapping(src, item, WHAT, line)
    if entry is None:
        return None
    if ANY_OF in entry:
        return _any_of(src, entry, context, nested=nested)
    if "kind" not in entry:
        src.report(entry.line, f"missing required key 'kind' in {WHAT} (kinds: {_KINDS})")
        return None
    kind = entry["kind"]
    if kind not in KIND_KEYS:
        hint = _did_you_mean(str(kind), (*CRITERION_KINDS, ANY_OF))
        advice = " (an any_of group is a list under the key any_of)" if kind == ANY_OF else ""
        src.report(
            entry.line_of("kind"),
            f"unknown criterion kind {kind!r}{advice} ({hint}kinds: {_KINDS})",
        )
        return None
    required, optional = KIND_KEYS[kind]
    what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} criterion"
    f.check_keys(src, entry, what, ("kind", "label", *required), ("partner_types", *optional))
    label = _label(src, entry, what)
    partner_types = _partner_types(src, entry, what, context)
    count = f.integer(src, entry, "count", what, minimum=1, maximum=COUNT_MAX)
    window = f.integer(src, entry, "window_days", what, minimum=1, maximum=WINDOW_MAX)
    amount = f.integer(src, entry, "amount", what, minimum=1, maximum=AMOUNT_MAX)
    path = f.slug(src, entry, "path", what)
    fact = f.slug(src, entry, "fact", what)
    if fact is not None and fact not in context.fact_ids:
        known = ", ".join(sorted(context.fact_ids)) or "none: add them under attested_facts"
        src.report(entry.line_of("fact"), f"unknown attested fact '{fact}' (facts: {known})")
    values = {"count": count, "window_days": window, "amount": amount, "fact": fact}
    if label is None or any(values[key] is None for key in required):
        return None  # each reason was reported above
    amount_minor = None if amount is None else amount * 10**context.exponent
    if amount_minor is not None and amount_minor > MAX_MINOR:
        src.report(entry.line_of("amount"), f"'amount' in {what} is too large")
        return None
    return Criterion(
        kind=kind,
        label=label,
        partner_types=partner_types,
        count=count,
        amount_minor=amount_minor,
        window_days=window,
        path=path,
        fact=fact,
        line=entry.line,
    )


def _any_of(src: Source, entry: LineDict, context: _Context, *, nested: bool) -> Criterion | None:
    what = "an any_of group"
    if nested:
        src.report(entry.line_of(ANY_OF), "an any_of group cannot hold another any_of group")
        return None
    f.check_keys(src, entry, what, (ANY_OF, "label"), ("partner_types",))
    label = _label(src, entry, what)
    partner_types = _partner_types(src, entry, what, context)
    items = entry[ANY_OF]
    if not isinstance(items, LineList):
        src.report(entry.line_of(ANY_OF), "'any_of' must be a list of criteria")
        return None
    if len(items) < 2:
        src.report(entry.line_of(ANY_OF), "an any_of group needs at least two criteria")
    options = []
    for index, item in enumerate(items):
        option = _criterion(src, item, items.line_of(index), context, nested=True)
        if option is not None:
            options.append(option)
    if label is None or len(options) != len(items) or len(options) < 2:
        return None
    return Criterion(
        kind=ANY_OF,
        label=label,
        partner_types=partner_types,
        options=tuple(options),
        line=entry.line,
    )


def _label(src: Source, entry: LineDict, what: str) -> str | None:
    if "label" not in entry:
        return None  # reported by check_keys
    label = f.text(src, entry, "label", what)
    if not label:
        src.report(entry.line_of("label"), f"'label' in {what} must be the text people read")
        return None
    if len(label) > LABEL_MAX:
        too_long = f"'label' in {what} is longer than {LABEL_MAX} characters: say it in fewer words"
        src.report(entry.line_of("label"), too_long)
        return None
    return " ".join(label.split())


def _partner_types(src: Source, entry: LineDict, what: str, context: _Context) -> tuple[str, ...]:
    types = f.text_list(src, entry, "partner_types", what)
    seen: dict[str, int] = {}
    for type_id in types:
        f.unique(src, seen, type_id, entry.line_of("partner_types"), "partner type")
        if context.type_ids and type_id not in context.type_ids:
            src.report(
                entry.line_of("partner_types"),
                f"unknown partner type '{type_id}' "
                f"(partner types: {', '.join(sorted(context.type_ids))})",
            )
    if "partner_types" in entry and not types:
        empty = f"'partner_types' in {what} lists no type: leave the key out for every type"
        src.report(entry.line_of("partner_types"), empty)
    return tuple(dict.fromkeys(types))


_KINDS = ", ".join((*CRITERION_KINDS, ANY_OF))


def _did_you_mean(value: str, choices: tuple[str, ...]) -> str:
    hint = difflib.get_close_matches(value, choices, n=1)
    return f"did you mean '{hint[0]}'? " if hint else ""


# --- the order of the tiers ---------------------------------------------------------------------


def check_tier_order(src: Source, tiers: tuple[Tier, ...]) -> None:
    """Tiers are listed entry tier first, each at least as demanding as the ones before it.

    A criterion that also appears in a lower tier (same kind, path, window, fact and partner
    types) must not ask for less there: that is the mark of tiers listed out of order.
    """
    lower: dict[tuple[object, ...], tuple[Tier, Criterion]] = {}
    for tier in tiers:
        for criterion in tier.criteria:
            key = _comparable(criterion)
            if key is None:
                continue
            before = lower.get(key)
            if before is not None and before[1].target > criterion.target:
                below, asked = before
                src.report(
                    criterion.line,
                    f"tier '{tier.id}' asks for less than tier '{below.id}' below it "
                    f"({criterion.kind}: {_amount(criterion)} against {_amount(asked)}): list "
                    "tiers entry tier first, each at least as demanding as the one before",
                )
            if before is None or before[1].target < criterion.target:
                lower[key] = (tier, criterion)


def _comparable(criterion: Criterion) -> tuple[object, ...] | None:
    if criterion.kind in (
        ANY_OF,
        "agreement_accepted",
        "onboarding_complete",
        "staff_attested",
        "compliance_current",
    ):
        return None
    return (
        criterion.kind,
        criterion.path,
        criterion.window_days,
        tuple(sorted(criterion.partner_types)),
    )


def _amount(criterion: Criterion) -> str:
    return (
        f"{criterion.target} in minor units"
        if criterion.kind == "won_value"
        else str(criterion.target)
    )
