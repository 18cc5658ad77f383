"""The content index: immutable dataclasses built once from CONTENT_DIR.

Pure Python: no Flask, no database. Each object keeps its Markdown source (validated, links
checked) and carries it rendered to sanitised HTML in its `html` / `*_html` field, filled in at
load by portal.content.rendering: requests only read HTML, they never parse Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from portal.content.library import EVERYONE, Audience, Kit, Playbook
from portal.content.model_brand import Brand
from portal.content.model_calendar import BusinessHours
from portal.content.model_compliance import ComplianceRules
from portal.content.model_directory import DirectoryTaxonomy
from portal.content.model_governance import AgreementTerms, Governance, MdfRules
from portal.content.model_leads import LeadRules

# Tier values live in model_tiers.py; re-exported (`X as X`) for the code importing them here.
from portal.content.model_tiers import ANY_OF as ANY_OF
from portal.content.model_tiers import CRITERION_KINDS as CRITERION_KINDS
from portal.content.model_tiers import MEETING_KINDS as MEETING_KINDS
from portal.content.model_tiers import AttestedFact, Tier, TierRules
from portal.content.model_tiers import Criterion as Criterion

QuestionType = Literal["single", "multiple", "true_false"]
StepKind = Literal[
    "acknowledge",
    "agreement",
    "compliance_documents",
    "learning_path",
    "kit_download",
    "first_referral",
    "staff",
]
STEP_KINDS: tuple[str, ...] = (
    "acknowledge",
    "agreement",
    "compliance_documents",
    "learning_path",
    "kit_download",
    "first_referral",
    "staff",
)
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true_false")


def _frozen_map(data: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class PartnerType:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class CommissionRule:
    partner_type: str
    involvement: str  # "sourced" | "influenced"
    rate_percent: str  # a decimal as text, e.g. "10" or "7.5"; never a float
    cap_minor: int | None = None  # cap in minor units of the program currency


@dataclass(frozen=True)
class DirectSalesBaseline:
    """The direct sales team's own funnel (program.yml `benchmarks.direct_sales`).

    `stage_conversion` holds (stage, percent of deals that move on from it to the next stage)
    in pipeline order; the last open stage's next stage is `won`.
    """

    stage_conversion: tuple[tuple[str, float], ...] = ()
    win_rate: float | None = None  # percent of closed deals that were won
    median_days_to_close: int | None = None

    def conversion(self, stage: str) -> float | None:
        return next((percent for s, percent in self.stage_conversion if s == stage), None)


@dataclass(frozen=True)
class Benchmarks:
    """Figures the partner program is compared with on /insights."""

    direct_sales: DirectSalesBaseline | None = None


@dataclass(frozen=True)
class Program:
    name: str
    vendor: str
    currency: str
    partner_types: tuple[PartnerType, ...]
    tiers: tuple[Tier, ...]
    first_response_hours: int
    stale_after_days: int
    protection_days: int
    pipeline_stages: tuple[str, ...]
    regions: tuple[str, ...]
    commission_rules: tuple[CommissionRule, ...]
    commission_hold_days: int
    attested_facts: tuple[AttestedFact, ...] = ()
    tier_rules: TierRules = field(default_factory=TierRules)
    benchmarks: Benchmarks = field(default_factory=Benchmarks)
    governance: Governance = field(default_factory=Governance)
    mdf: MdfRules | None = None  # None: the program offers no market development funds
    # The partner agreement's version (from its page's front matter; set by the loader).
    agreement: AgreementTerms | None = None
    leads: LeadRules = field(default_factory=LeadRules)
    directory: DirectoryTaxonomy = field(default_factory=DirectoryTaxonomy)
    # The partner team's working week; None: every SLA counts elapsed hours.
    business_hours: BusinessHours | None = None
    compliance: ComplianceRules = field(default_factory=ComplianceRules)

    def sla_hours_text(self, hours: int) -> str:
        """An SLA's length as people read it: "8 business hours" on the program's calendar,
        "8 hours" of elapsed time without one."""
        unit = "hour" if hours == 1 else "hours"
        return f"{hours} business {unit}" if self.business_hours is not None else f"{hours} {unit}"

    def partner_type(self, type_id: str) -> PartnerType | None:
        return next((t for t in self.partner_types if t.id == type_id), None)

    def partner_type_name(self, type_id: str) -> str:
        """The partner type's name; its id when the program no longer has that type."""
        partner_type = self.partner_type(type_id)
        return partner_type.name if partner_type is not None else type_id

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier_name(self, tier_id: str | None) -> str:
        """The tier's name as pages and messages show it: its id when the program no longer has
        that tier (the page still says something true), "" for no tier at all."""
        tier = self.tier(tier_id or "")
        return tier.name if tier is not None else (tier_id or "")

    def attested_fact(self, fact_id: str) -> AttestedFact | None:
        return next((f for f in self.attested_facts if f.id == fact_id), None)

    def tier_rank(self, tier_id: str) -> int:
        """The tier's rank; a tier the program no longer lists counts as the entry tier (0)."""
        tier = self.tier(tier_id)
        return tier.rank if tier is not None else 0


@dataclass(frozen=True)
class Page:
    """A program page: guide, rules of engagement, payout rules, governance."""

    id: str
    title: str
    summary: str
    order: int
    body: str  # Markdown source
    source: str  # path relative to CONTENT_DIR, for error messages and edit links
    html: str = ""  # the body as sanitised HTML (filled at load)
    audience: Audience = EVERYONE  # every partner, or the partner team only (`audience: staff`)
    version: int | None = None  # the partner agreement only: its version and effective date
    effective: date | None = None

    @property
    def staff_only(self) -> bool:
        return self.audience.staff_only


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # one of STEP_KINDS
    title: str
    description: str = ""  # Markdown source
    required: bool = True
    path: str | None = None  # learning path id, for kind == "learning_path"
    link: str | None = None  # where the partner does the step, e.g. /program/partner-agreement
    description_html: str = ""  # the description as sanitised HTML (filled at load)


@dataclass(frozen=True)
class Checklist:
    partner_type: str
    title: str
    intro: str  # Markdown source of the body shown above the checklist
    steps: tuple[Step, ...]
    source: str
    intro_html: str = ""  # the intro as sanitised HTML (filled at load)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Choice:
    # Its `id:` in the source, else derived from its text (portal.content.choice_ids);
    # a true_false question's choices are always c1 (True) and c2 (False).
    key: str
    text: str
    correct: bool
    explain: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # one of QUESTION_TYPES
    prompt: str
    choices: tuple[Choice, ...]
    explain: str = ""
    line: int = field(default=0, compare=False)  # where its `id:` is, for check messages

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.choices if c.correct)

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Quiz:
    pass_mark: int  # percent, 1..100
    questions: tuple[Question, ...]
    version: str  # hash of this quiz's definition; attempts pin it
    max_attempts: int | None = None
    cooldown_hours: int = 24
    shuffle: bool = False
    draw: int | None = None  # draw this many questions from the pool per attempt
    # Ids removed for good (`question` or `question/choice`): past answers may still use them.
    retired: frozenset[str] = field(default=frozenset(), compare=False)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Module:
    id: str
    path_id: str
    position: int  # 1-based order within its path (the NN- prefix order)
    title: str
    summary: str
    minutes: int | None
    body: str  # Markdown source of the lesson
    prerequisites: tuple[str, ...]  # module ids within the same path
    quiz: Quiz | None
    source: str
    html: str = ""  # the lesson as sanitised HTML (filled at load)


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    summary: str
    audience: tuple[str, ...]  # partner type ids; empty means every type
    certificate: str  # the certificate's name
    valid_days: int | None
    intro: str  # Markdown source of the path's introduction
    modules: tuple[Module, ...]
    source: str
    intro_html: str = ""  # the introduction as sanitised HTML (filled at load)

    def module(self, module_id: str) -> Module | None:
        return self._modules_by_id.get(module_id)

    @cached_property
    def _modules_by_id(self) -> Mapping[str, Module]:
        # Progress pages look modules up by id hundreds of times per request.
        return MappingProxyType({m.id: m for m in self.modules})

    def is_for(self, partner_type: str) -> bool:
        return not self.audience or partner_type in self.audience


@dataclass(frozen=True)
class ContentIndex:
    version: str
    program: Program
    pages: Mapping[str, Page] = field(default_factory=_frozen_map)
    checklists: Mapping[str, Checklist] = field(default_factory=_frozen_map)
    paths: Mapping[str, LearningPath] = field(default_factory=_frozen_map)
    root: str = ""
    kits: Mapping[str, Kit] = field(default_factory=_frozen_map)  # by kit id
    playbooks: Mapping[str, Playbook] = field(default_factory=_frozen_map)  # by "<kind>/<id>"
    # The in-memory search index over pages, modules, kits and playbooks, built at load
    # (portal.content.search.SearchIndex); None only for indexes built by hand in tests.
    search: Any = None
    # content/brand/, or a Brand named after program.yml's vendor when the folder is absent;
    # None only for indexes built by hand in tests.
    brand: Brand | None = None
    # content/images/ and images beside modules, by path (portal.content.images.ContentImage).
    images: Mapping[str, Any] = field(default_factory=_frozen_map)
    # learning/retired.yml (portal.content.learning_retired.RetiredLearning); None when built
    # by hand in tests.
    retired_learning: Any = None

    def partner_pages(self) -> tuple[Page, ...]:
        """The program pages partners read, in list order (staff-only pages left out)."""
        return tuple(p for p in self.pages.values() if not p.staff_only)

    def staff_pages(self) -> tuple[Page, ...]:
        """The partner team's own pages (`audience: staff`), in list order."""
        return tuple(p for p in self.pages.values() if p.staff_only)

    def paths_for(self, partner_type: str) -> tuple[LearningPath, ...]:
        return tuple(p for p in self.paths.values() if p.is_for(partner_type))


@dataclass(frozen=True)
class ContentProblem:
    """One error in the content directory, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content directory is invalid; `problems` lists every error found."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
