"""program.yml `mdf`: market development funds per tier and period.

```yaml
mdf:
  period: quarter              # quarter (default) or year: how often the funds renew
  vendor_share_percent: 50     # the share of an activity's actual cost the vendor pays back
  claim_days: 60               # a claim is due this many days after the activity
  activity_types:
    - {id: event, name: Event or webinar}
    - {id: digital, name: Digital campaign}
  allocations:                 # per tier id, per period, in whole units of the program currency
    silver: 5000
    gold: 15000
```

The section is optional (no section: no funds). Every problem is reported with its `path:line`.
"""

from __future__ import annotations

from typing import Literal, cast

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model_governance import MdfActivityType, MdfRules

MDF_KEYS_REQUIRED = ("activity_types", "allocations")
MDF_KEYS_OPTIONAL = ("period", "vendor_share_percent", "claim_days")
PERIODS = ("quarter", "year")
DEFAULT_VENDOR_SHARE_PERCENT = 50
DEFAULT_CLAIM_DAYS = 60
MAX_CLAIM_DAYS = 365
# A per-period allocation above a billion units of the currency is a typo, not a budget.
MAX_ALLOCATION = 1_000_000_000
NAME_MAX = 100


def build_mdf(src: Source, root: LineDict, tier_ids: set[str], exponent: int) -> MdfRules | None:
    """The `mdf` section of program.yml (absent: None, the program has no funds)."""
    if "mdf" not in root:
        return None
    what = "'mdf'"
    section = f.mapping(src, root["mdf"], what, root.line_of("mdf"))
    if section is None:
        return None
    f.check_keys(src, section, what, MDF_KEYS_REQUIRED, MDF_KEYS_OPTIONAL)
    period = f.text(src, section, "period", what, default="quarter")
    if period not in PERIODS:
        src.report(
            section.line_of("period"),
            f"'period' in {what} must be one of {', '.join(PERIODS)}, not {period!r}",
        )
        period = "quarter"
    return MdfRules(
        period=cast(Literal["quarter", "year"], period),
        allocations=_allocations(src, section, tier_ids, exponent),
        activity_types=_activity_types(src, section),
        vendor_share_percent=f.integer(
            src, section, "vendor_share_percent", what, minimum=1, maximum=100,
            default=DEFAULT_VENDOR_SHARE_PERCENT,
        ),
        claim_days=f.integer(
            src, section, "claim_days", what, minimum=1, maximum=MAX_CLAIM_DAYS,
            default=DEFAULT_CLAIM_DAYS,
        ),
    )  # fmt: skip


def _allocations(
    src: Source, section: LineDict, tier_ids: set[str], exponent: int
) -> tuple[tuple[str, int], ...]:
    what = "'mdf.allocations'"
    allocations = f.mapping(src, section.get("allocations"), what, section.line_of("allocations"))
    if allocations is None:
        return ()
    result = []
    for tier in allocations:
        if tier_ids and tier not in tier_ids:
            src.report(
                allocations.line_of(tier),
                f"'{tier}' in {what} is not a tier (tiers: {', '.join(sorted(tier_ids))})",
            )
            continue
        amount = f.integer(src, allocations, tier, what, minimum=0, maximum=MAX_ALLOCATION)
        if amount is not None:
            result.append((str(tier), amount * 10**exponent))
    return tuple(result)


def _activity_types(src: Source, section: LineDict) -> tuple[MdfActivityType, ...]:
    what = "an MDF activity type"
    items = f.item_list(src, section, "activity_types", "'mdf'")
    if items is None:
        return ()
    if not items:
        src.report(section.line_of("activity_types"), "'mdf.activity_types' lists no activity")
    result = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        entry = f.mapping(src, item, what, line)
        if entry is None:
            continue
        f.check_keys(src, entry, what, ("id", "name"))
        type_id = f.slug(src, entry, "id", what)
        name = f.text(src, entry, "name", what)
        if len(name) > NAME_MAX:
            src.report(entry.line_of("name"), f"'name' in {what} is at most {NAME_MAX} characters")
            continue
        f.unique(src, seen, type_id, line, "MDF activity type")
        if type_id and name:
            result.append(MdfActivityType(type_id, name))
    return tuple(result)
