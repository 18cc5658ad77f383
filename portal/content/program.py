"""program.yml: partner types, tiers, SLAs, pipeline stages, regions and commission rules.

The tiers' requirements, attested facts and tier rules are read by portal.content.tiers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from portal.content import fields as f
from portal.content.benchmarks import build_benchmarks
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList
from portal.content.model import AttestedFact, CommissionRule, PartnerType, Program, Tier
from portal.content.program_calendar import build_business_hours, check_slas_fit
from portal.content.program_compliance import build_compliance
from portal.content.program_directory import build_directory
from portal.content.program_governance import build_governance
from portal.content.program_leads import build_lead_rules
from portal.content.program_mdf import build_mdf
from portal.content.tiers import (
    build_attested_facts,
    build_tier,
    build_tier_rules,
    check_tier_order,
)
from portal.money import minor_units

PROGRAM_KEYS_REQUIRED = ("name", "vendor", "currency", "partner_types", "tiers")
PROGRAM_KEYS_OPTIONAL = (
    "sla",
    "registration",
    "pipeline_stages",
    "regions",
    "commissions",
    "tier_rules",
    "attested_facts",
    "benchmarks",
    "governance",
    "mdf",
    "leads",
    "directory",
    "business_hours",
    "compliance",
)
INVOLVEMENTS = ("sourced", "influenced")
# Used when program.yml leaves the optional sections out (the values content/README.md shows).
DEFAULT_FIRST_RESPONSE_HOURS = 48
DEFAULT_STALE_AFTER_DAYS = 14
DEFAULT_PROTECTION_DAYS = 90
DEFAULT_HOLD_DAYS = 60
DEFAULT_PIPELINE_STAGES = (
    "submitted",
    "accepted",
    "contacted",
    "qualified",
    "proposal",
    "won",
    "lost",
)


def build_program(src: Source, data: object) -> Program | None:
    """Validate parsed program.yml and build the Program (None when it is unusable)."""
    root = f.mapping(src, data, "program.yml", 1)
    if root is None:
        return None
    what = "program.yml"
    f.check_keys(src, root, what, PROGRAM_KEYS_REQUIRED, PROGRAM_KEYS_OPTIONAL)
    name = f.text(src, root, "name", what)
    vendor = f.text(src, root, "vendor", what)
    currency = f.text(src, root, "currency", what)
    if currency and not (len(currency) == 3 and currency.isascii() and currency.isupper()):
        src.report(
            root.line_of("currency"),
            f"currency must be an ISO 4217 code such as USD, not {currency!r}",
        )
    partner_types = _partner_types(src, root)
    type_ids = {t.id for t in partner_types}

    sla = _section(src, root, "sla", ("first_response_hours", "stale_after_days"))
    registration = _section(src, root, "registration", ("protection_days",))
    commissions = _section(src, root, "commissions", ("hold_days", "rules"))
    stages = _id_list(src, root, "pipeline_stages", "pipeline stage")
    if "pipeline_stages" in root:
        _check_pipeline_shape(src, root, stages)
    regions = f.text_list(src, root, "regions", what)
    _check_unique_texts(src, root, "regions", regions)
    facts = build_attested_facts(src, root)
    tiers = _tiers(src, root, type_ids, facts, _exponent(currency))
    stages = stages if "pipeline_stages" in root else DEFAULT_PIPELINE_STAGES
    program = Program(
        name=name,
        vendor=vendor,
        currency=currency,
        partner_types=partner_types,
        tiers=tiers,
        first_response_hours=f.integer(
            src, sla, "first_response_hours", "sla", minimum=1, default=DEFAULT_FIRST_RESPONSE_HOURS
        ),
        stale_after_days=f.integer(
            src, sla, "stale_after_days", "sla", minimum=1, default=DEFAULT_STALE_AFTER_DAYS
        ),
        protection_days=f.integer(
            src, registration, "protection_days", "registration", minimum=1,
            default=DEFAULT_PROTECTION_DAYS,
        ),
        pipeline_stages=stages,
        regions=regions,
        commission_rules=_commission_rules(src, commissions, type_ids, currency),
        commission_hold_days=f.integer(
            src, commissions, "hold_days", "commissions", minimum=0, default=DEFAULT_HOLD_DAYS
        ),
        attested_facts=facts,
        tier_rules=build_tier_rules(src, root),
        benchmarks=build_benchmarks(src, root, stages),
        governance=build_governance(src, root),
        mdf=build_mdf(src, root, {t.id for t in tiers}, _exponent(currency)),
        leads=build_lead_rules(
            src, root, type_ids=type_ids, tier_ids=tuple(t.id for t in tiers), regions=regions
        ),
        directory=build_directory(src, root, regions),
        business_hours=build_business_hours(src, root),
        compliance=build_compliance(src, root, type_ids),
    )  # fmt: skip
    check_slas_fit(src, root, program.business_hours, _business_hour_slas(program))
    return program


def _business_hour_slas(program: Program) -> dict[str, int]:
    """The SLAs counted on the business-hours calendar, by where program.yml sets them."""
    slas = {
        "sla.first_response_hours": program.first_response_hours,
        "governance.approval_hours": program.governance.approval_hours,
    }
    for topic in program.governance.topics:
        slas[f"the first_response_hours of topic '{topic.id}'"] = topic.first_response_hours
    return slas


def _section(src: Source, root: LineDict, key: str, keys: tuple[str, ...]) -> LineDict:
    if key not in root:
        return LineDict()
    section = f.mapping(src, root[key], f"'{key}'", root.line_of(key))
    if section is None:
        return LineDict()
    f.check_keys(src, section, f"'{key}'", (), keys)
    return section


def _items(src: Source, root: LineDict, key: str, what: str) -> list[tuple[LineDict, int]]:
    items = f.item_list(src, root, key, "program.yml")
    if items is None:
        return []
    if not items:
        src.report(root.line_of(key), f"'{key}' needs at least one {what}")
    result = []
    for index, item in enumerate(items):
        entry = f.mapping(src, item, f"each {what}", items.line_of(index))
        if entry is not None:
            result.append((entry, items.line_of(index)))
    return result


def _partner_types(src: Source, root: LineDict) -> tuple[PartnerType, ...]:
    seen: dict[str, int] = {}
    result = []
    for entry, line in _items(src, root, "partner_types", "partner type"):
        f.check_keys(src, entry, "a partner type", ("id", "name"), ("description",))
        type_id = f.slug(src, entry, "id", "a partner type")
        f.unique(src, seen, type_id, line, "partner type id")
        if type_id is not None:
            result.append(
                PartnerType(
                    id=type_id,
                    name=f.text(src, entry, "name", "a partner type"),
                    description=f.text(src, entry, "description", "a partner type"),
                )
            )
    return tuple(result)


def _tiers(
    src: Source,
    root: LineDict,
    type_ids: set[str],
    facts: tuple[AttestedFact, ...],
    exponent: int,
) -> tuple[Tier, ...]:
    seen: dict[str, int] = {}
    result: list[Tier] = []
    for entry, line in _items(src, root, "tiers", "tier"):
        f.check_keys(src, entry, "a tier", ("id", "name"), ("requirements", "benefits"))
        tier_id = f.slug(src, entry, "id", "a tier")
        f.unique(src, seen, tier_id, line, "tier id")
        if tier_id is not None:
            tier = build_tier(
                src, entry, tier_id, len(result), type_ids=type_ids, facts=facts, exponent=exponent
            )
            result.append(tier)
    check_tier_order(src, tuple(result))
    return tuple(result)


def _id_list(src: Source, root: LineDict, key: str, what: str) -> tuple[str, ...]:
    items = f.item_list(src, root, key, "program.yml")
    if items is None:
        return ()
    seen: dict[str, int] = {}
    result = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not f.is_slug(item):
            src.report(line, f"each {what} must be a lower-case slug (a-z, 0-9, -), not {item!r}")
            continue
        f.unique(src, seen, item, line, what)
        result.append(item)
    return tuple(result)


RESERVED_STATUSES = ("conflict", "rejected")
STAGE_ID_MAX = 20  # referrals.status is String(20)


def _check_pipeline_shape(src: Source, root: LineDict, stages: tuple[str, ...]) -> None:
    """The referral workflow needs submitted, accepted first and won, lost last.

    Stages in between are the content team's to name; `conflict` and `rejected` are statuses
    the portal sets itself, so they cannot be stages.
    """
    line = root.line_of("pipeline_stages")
    if stages[:2] != ("submitted", "accepted") or stages[-2:] != ("won", "lost"):
        src.report(
            line,
            "pipeline_stages must start with submitted, accepted and end with won, lost "
            f"(the stages between are yours), not {list(stages)!r}",
        )
    for status in RESERVED_STATUSES:
        if status in stages:
            src.report(line, f"pipeline stage {status!r} is a status the portal sets itself")
    for stage in stages:
        if len(stage) > STAGE_ID_MAX:
            src.report(
                line, f"pipeline stage {stage!r} is too long: at most {STAGE_ID_MAX} characters"
            )


def _check_unique_texts(src: Source, root: LineDict, key: str, values: tuple[str, ...]) -> None:
    items = root.get(key)
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        line = items.line_of(index) if isinstance(items, LineList) else root.line_of(key)
        f.unique(src, seen, value, line, key.rstrip("s"))


def _commission_rules(
    src: Source, section: LineDict, type_ids: set[str], currency: str | None
) -> tuple[CommissionRule, ...]:
    result = []
    seen: dict[str, int] = {}
    for entry, line in _items(src, section, "rules", "commission rule") if section else []:
        what = "a commission rule"
        f.check_keys(src, entry, what, ("partner_type", "involvement", "rate_percent"), ("cap",))
        partner_type = f.text(src, entry, "partner_type", what)
        if partner_type and type_ids and partner_type not in type_ids:
            src.report(
                entry.line_of("partner_type"),
                f"commission rule names unknown partner type '{partner_type}' "
                f"(partner types: {', '.join(sorted(type_ids))})",
            )
        involvement = f.text(src, entry, "involvement", what)
        if involvement and involvement not in INVOLVEMENTS:
            src.report(
                entry.line_of("involvement"),
                f"involvement must be one of {', '.join(INVOLVEMENTS)}, not {involvement!r}",
            )
        rate = _rate_percent(src, entry)
        cap = f.integer(src, entry, "cap", what, minimum=0)
        if partner_type and involvement:
            f.unique(src, seen, f"{partner_type}/{involvement}", line, "commission rule")
        if partner_type and involvement and rate is not None:
            cap_minor = None if cap is None else cap * 10 ** _exponent(currency)
            rule = CommissionRule(partner_type, involvement, rate, cap_minor)
            result.append(rule)
    return tuple(result)


def _rate_percent(src: Source, entry: LineDict) -> str | None:
    value = entry.get("rate_percent")
    if value is None:
        return None
    line = entry.line_of("rate_percent")
    if isinstance(value, bool) or not isinstance(value, str | int):
        src.report(line, f'rate_percent must be a quoted decimal such as "7.5", not {value!r}')
        return None
    text = str(value).strip()
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        src.report(line, f"rate_percent must be a decimal between 0 and 100, not {text!r}")
        return None
    return text


def _exponent(currency: str | None) -> int:
    # An invalid currency is reported on its own line; caps then assume cents.
    try:
        return minor_units(currency or "")
    except ValueError:
        return 2
