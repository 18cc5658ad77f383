"""Tier values of the content index: criteria, attested facts, the tiers and their rules.

Split from model.py (which re-exports them): program.yml's `tiers`, `attested_facts` and
`tier_rules`, parsed in portal/content/tiers.py. Pure Python: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRITERION_KINDS: tuple[str, ...] = (
    "agreement_accepted",
    "onboarding_complete",
    "certified_people",
    "accepted_referrals",
    "won_deals",
    "won_value",
    "staff_attested",
    "compliance_current",
)
ANY_OF = "any_of"  # a group met when any one of its options is met


@dataclass(frozen=True)
class Criterion:
    """One requirement of a tier, as data; `label` is what people read.

    Which of the optional fields a criterion carries depends on its kind (content/README.md
    lists them); `options` holds the choices of an `any_of` group.
    """

    kind: str  # one of CRITERION_KINDS, or ANY_OF
    label: str
    partner_types: tuple[str, ...] = ()  # the types it applies to; empty means every type
    count: int | None = None  # certified_people, accepted_referrals, won_deals
    amount_minor: int | None = None  # won_value, in minor units of the program currency
    window_days: int | None = None  # accepted_referrals, won_deals, won_value: trailing days
    path: str | None = None  # certified_people: only certificates of this learning path
    fact: str | None = None  # staff_attested: an attested fact id
    options: tuple[Criterion, ...] = ()  # any_of
    line: int = field(default=0, compare=False)  # in program.yml, for cross-file checks

    def applies_to(self, partner_type: str) -> bool:
        """True when organisations of this partner type must meet the criterion."""
        return not self.partner_types or partner_type in self.partner_types

    @property
    def target(self) -> int:
        """The value that meets it: a count, an amount in minor units, or 1 for a yes/no."""
        if self.amount_minor is not None:
            return self.amount_minor
        return self.count if self.count is not None else 1


# What the partner team logs on an organisation page (portal/staff/models.py MeetingKind has
# the same values): named here so program.yml's attested facts can say which kind counts.
MEETING_KINDS = ("meeting", "call", "qbr", "joint_plan_review")


@dataclass(frozen=True)
class AttestedFact:
    """A fact the partner team records for an organisation ("QBR attended"), with a date."""

    id: str
    name: str
    valid_days: int | None = None  # counts for this many days from its date; None: for good
    description: str = ""
    # Meeting kinds (MEETING_KINDS) that, once logged, count as the fact on the meeting's date.
    from_meetings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierRules:
    """How the daily evaluation moves organisations between tiers."""

    grace_days: int = 90  # how long an organisation keeps a tier after falling below it
    upgrades_need_approval: bool = True  # False: upgrades happen without a staff review


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    rank: int  # 0 is the entry tier; higher ranks are higher tiers
    criteria: tuple[Criterion, ...] = ()
    benefits: tuple[str, ...] = ()

    @property
    def requirements(self) -> tuple[str, ...]:
        """Every criterion's label, for every partner type."""
        return tuple(c.label for c in self.criteria)

    def requirements_for(self, partner_type: str) -> tuple[str, ...]:
        """The labels of the criteria that apply to this partner type."""
        return tuple(c.label for c in self.criteria if c.applies_to(partner_type))
