"""program.yml `leads`: the acceptance window, the form's lists and the routing rules.

```yaml
leads:
  accept_hours: 48             # a routed lead not accepted in time goes to the next partner
  stale_after_days: 14         # an accepted lead with no stage update for this long: reminder
  industries: [Healthcare, Financial services]
  sizes: ["1-49", "50-249", "250-999", "1000+"]
  country_regions:             # where a lead's country puts it (program regions)
    Europe: [DE, FR, GB]
  routing:
    partner_types: [reseller]  # empty or absent: every type
    minimum_tier: silver
    territory: region          # region (the partner's region is the lead's) | none
    industry_match: true       # the partner lists the lead's industry in its lead preferences
    certification: co-selling-essentials   # a learning path someone must hold
    cap: 5                     # leads per partner per cap_period
    cap_period: month          # week | month | quarter
    choose: round_robin        # round_robin | weighted
```

Every key is optional; every problem is reported with its `path:line`. Learning path ids are
checked against the content's paths by the loader's cross checks (`check_lead_paths`).
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.countries import countries
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList
from portal.content.model_leads import (
    CAP_PERIODS,
    CHOICES,
    DEFAULT_SIZES,
    TERRITORIES,
    LeadRouting,
    LeadRules,
)

LEAD_KEYS = (
    "accept_hours",
    "stale_after_days",
    "industries",
    "sizes",
    "country_regions",
    "routing",
)
ROUTING_KEYS = (
    "partner_types",
    "minimum_tier",
    "territory",
    "industry_match",
    "certification",
    "cap",
    "cap_period",
    "choose",
)
LIST_TEXT_MAX = 100  # leads.industry and leads.size columns
MAX_ACCEPT_HOURS = 24 * 30
MAX_CAP = 100_000


def build_lead_rules(
    src: Source,
    root: LineDict,
    *,
    type_ids: set[str],
    tier_ids: tuple[str, ...],
    regions: tuple[str, ...],
) -> LeadRules:
    """The `leads` section of program.yml (absent: the defaults content/README.md shows)."""
    if "leads" not in root:
        return LeadRules()
    what = "'leads'"
    section = f.mapping(src, root["leads"], what, root.line_of("leads"))
    if section is None:
        return LeadRules()
    f.check_keys(src, section, what, (), LEAD_KEYS)
    industries = _texts(src, section, "industries", what, ())
    sizes = _texts(src, section, "sizes", what, DEFAULT_SIZES)
    return LeadRules(
        accept_hours=f.integer(
            src, section, "accept_hours", what, minimum=1, maximum=MAX_ACCEPT_HOURS, default=48
        ),
        stale_after_days=f.integer(
            src, section, "stale_after_days", what, minimum=1, maximum=365, default=14
        ),
        industries=industries,
        sizes=sizes,
        country_regions=_country_regions(src, section, regions),
        routing=_routing(src, section, type_ids, tier_ids, bool(industries)),
    )


def _texts(
    src: Source, section: LineDict, key: str, what: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    if key not in section:
        return default
    values = f.text_list(src, section, key, what)
    items = section.get(key)
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        line = items.line_of(index) if isinstance(items, LineList) else section.line_of(key)
        f.unique(src, seen, value, line, key.rstrip("s"))
        if not value or len(value) > LIST_TEXT_MAX:
            src.report(line, f"each entry of '{key}' needs 1 to {LIST_TEXT_MAX} characters")
    return values


def _country_regions(
    src: Source, section: LineDict, regions: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    if "country_regions" not in section:
        return ()
    what = "'leads.country_regions'"
    mapping = f.mapping(src, section["country_regions"], what, section.line_of("country_regions"))
    if mapping is None:
        return ()
    known = countries()
    placed: dict[str, int] = {}
    result: list[tuple[str, str]] = []
    for region in mapping:
        line = mapping.line_of(region)
        if region not in regions:
            src.report(
                line,
                f"'{region}' in {what} is not a program region "
                f"(regions: {', '.join(regions) or 'none listed'})",
            )
            continue
        for code in f.text_list(src, mapping, region, what):
            if code not in known:
                src.report(line, f"'{code}' in {what} is not an ISO 3166 alpha-2 country code")
                continue
            f.unique(src, placed, code, line, "country in leads.country_regions")
            result.append((code, region))
    return tuple(result)


def _routing(
    src: Source,
    section: LineDict,
    type_ids: set[str],
    tier_ids: tuple[str, ...],
    has_industries: bool,
) -> LeadRouting:
    if "routing" not in section:
        return LeadRouting()
    what = "'leads.routing'"
    routing = f.mapping(src, section["routing"], what, section.line_of("routing"))
    if routing is None:
        return LeadRouting()
    f.check_keys(src, routing, what, (), ROUTING_KEYS)
    types = f.text_list(src, routing, "partner_types", what)
    for partner_type in types:
        if type_ids and partner_type not in type_ids:
            src.report(
                routing.line_of("partner_types"),
                f"{what} names unknown partner type '{partner_type}' "
                f"(partner types: {', '.join(sorted(type_ids))})",
            )
    tier = f.text(src, routing, "minimum_tier", what)
    if tier and tier_ids and tier not in tier_ids:
        src.report(
            routing.line_of("minimum_tier"),
            f"{what} names unknown tier '{tier}' (tiers: {', '.join(tier_ids)})",
        )
    industry_match = f.boolean(src, routing, "industry_match", what, default=False)
    if industry_match and not has_industries:
        src.report(
            routing.line_of("industry_match"),
            "industry_match needs the list of industries in 'leads.industries'",
        )
    certification = f.text(src, routing, "certification", what)
    if certification and not f.is_slug(certification):
        src.report(
            routing.line_of("certification"),
            f"certification must be a learning path id (a slug), not {certification!r}",
        )
    return LeadRouting(
        partner_types=types,
        minimum_tier=tier,
        territory=_choice(src, routing, "territory", TERRITORIES, "region"),
        industry_match=industry_match,
        certification=certification,
        cap=f.integer(src, routing, "cap", what, minimum=1, maximum=MAX_CAP, default=5),
        cap_period=_choice(src, routing, "cap_period", CAP_PERIODS, "month"),
        choose=_choice(src, routing, "choose", CHOICES, "round_robin"),
        certification_line=routing.line_of("certification") if certification else 0,
    )


def _choice(
    src: Source, routing: LineDict, key: str, allowed: tuple[str, ...], default: str
) -> str:
    value = f.text(src, routing, key, "'leads.routing'", default=default)
    if value not in allowed:
        src.report(
            routing.line_of(key), f"'{key}' must be one of {', '.join(allowed)}, not {value!r}"
        )
        return default
    return value
