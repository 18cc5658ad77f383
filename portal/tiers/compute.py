"""An organisation's standing against the program's tiers: one pure function.

`compute_standing(program, facts, now)` judges every criterion of every tier on the facts
(portal.tiers.facts) and says, per tier, each criterion's current value, its target and
whether it is met; which tier the organisation qualifies for; and what is missing for its own
tier and for the next one. No database, no Flask: the daily evaluation, the staff pages and
tests all call it the same way.

Rules (content/README.md says them for the content team):
- Tiers are cumulative: an organisation qualifies for a tier when it meets the criteria of that
  tier and of every tier below it. The entry tier is the floor: nobody qualifies for less.
- Only the criteria that apply to the organisation's partner type count, or are shown.
- A trailing window of N days counts events after `now - N days`, up to `now`: the database
  counts them when the facts are gathered (portal.tiers.gather), as totals per window.
- A certificate counts while it is issued, not revoked and not expired (`expires_at > now`).
- An attested fact dated D with `valid_days` V counts on the days D .. D + V - 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.content.model import ANY_OF, Criterion, Program, Tier
from portal.tiers.facts import OrgFacts

__all__ = ["WINDOWED_KINDS", "CriterionResult", "Standing", "TierStanding", "compute_standing"]

# Criteria counted in a trailing window: judged on the facts' totals for that window.
WINDOWED_KINDS = frozenset({"accepted_referrals", "won_deals", "won_value"})


@dataclass(frozen=True)
class CriterionResult:
    """One criterion judged: its value now against its target."""

    criterion: Criterion
    value: int  # a count, an amount in minor units, or 0/1 for a yes/no criterion
    target: int
    met: bool
    options: tuple[CriterionResult, ...] = ()  # an any_of group's options, judged
    last_on: date | None = None  # staff_attested: the latest date recorded (valid or not)
    valid_until: date | None = None  # staff_attested: the last day the fact still counts

    @property
    def label(self) -> str:
        return self.criterion.label

    @property
    def kind(self) -> str:
        return self.criterion.kind

    @property
    def missing(self) -> int:
        """How much more of the value it takes (0 once met)."""
        return 0 if self.met else max(self.target - self.value, 0)


@dataclass(frozen=True)
class TierStanding:
    """A tier's criteria (those for the organisation's partner type), judged."""

    tier: Tier
    results: tuple[CriterionResult, ...]

    @property
    def met(self) -> bool:
        return all(result.met for result in self.results)

    @property
    def unmet(self) -> tuple[CriterionResult, ...]:
        return tuple(result for result in self.results if not result.met)


@dataclass(frozen=True)
class Standing:
    """Where an organisation stands: every tier judged, the tier it qualifies for, the gaps."""

    organization_id: int
    tier_id: str  # the organisation's tier now
    tiers: tuple[TierStanding, ...]  # entry tier first
    as_of: datetime

    @property
    def current_rank(self) -> int:
        """The rank of the organisation's tier (a tier the program dropped counts as entry)."""
        return next((t.tier.rank for t in self.tiers if t.tier.id == self.tier_id), 0)

    @property
    def qualified(self) -> Tier:
        """The highest tier whose criteria, and those of every tier below, are all met."""
        best = self.tiers[0].tier
        for tier_standing in self.tiers:
            if not tier_standing.met:
                break
            best = tier_standing.tier
        return best

    @property
    def next_tier(self) -> Tier | None:
        """The tier above the organisation's own, if there is one."""
        return next((t.tier for t in self.tiers if t.tier.rank == self.current_rank + 1), None)

    def unmet_up_to(self, rank: int) -> tuple[CriterionResult, ...]:
        """Every criterion not met in the tiers up to and including `rank` (cumulative)."""
        return tuple(r for t in self.tiers if t.tier.rank <= rank for r in t.unmet)

    @property
    def missing_for_current(self) -> tuple[CriterionResult, ...]:
        """What the organisation lacks to keep its own tier (empty when it meets it)."""
        return self.unmet_up_to(self.current_rank)

    @property
    def missing_for_next(self) -> tuple[CriterionResult, ...]:
        """What the organisation lacks to qualify for the next tier (empty at the top)."""
        following = self.next_tier
        return () if following is None else self.unmet_up_to(following.rank)

    def tier_standing(self, tier_id: str) -> TierStanding | None:
        return next((t for t in self.tiers if t.tier.id == tier_id), None)


def compute_standing(program: Program, facts: OrgFacts, now: datetime) -> Standing:
    """Judge every tier of the program for the organisation described by `facts`, at `now`.

    `now` is timezone-aware (UTC); the day attested facts are judged on is `now`'s date.
    """
    if not program.tiers:
        raise ValueError("the program has no tiers to stand in")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    judge = _Judge(program, facts, now)
    tiers = tuple(
        TierStanding(
            tier,
            tuple(judge.result(c) for c in tier.criteria if c.applies_to(facts.partner_type)),
        )
        for tier in sorted(program.tiers, key=lambda t: t.rank)
    )
    return Standing(facts.organization_id, facts.tier, tiers, now)


class _Judge:
    """Judges criteria on one organisation's facts at one moment."""

    def __init__(self, program: Program, facts: OrgFacts, now: datetime) -> None:
        self.program, self.facts, self.now = program, facts, now
        self.today = now.date()

    def result(self, criterion: Criterion) -> CriterionResult:
        if criterion.kind == ANY_OF:
            return self._any_of(criterion)
        if criterion.kind == "staff_attested":
            return self._attested(criterion)
        value = self._value(criterion)
        return CriterionResult(criterion, value, criterion.target, value >= criterion.target)

    def _value(self, criterion: Criterion) -> int:
        facts, kind = self.facts, criterion.kind
        if kind == "agreement_accepted":
            return int(facts.agreement_current)
        if kind == "compliance_current":
            return int(facts.compliance_current)
        if kind == "onboarding_complete":
            return int(facts.activated_at is not None and facts.activated_at <= self.now)
        if kind == "certified_people":
            return len(
                {
                    c.user_id
                    for c in facts.certificates
                    if c.is_current(self.now) and criterion.path in (None, c.path_id)
                }
            )
        if kind in WINDOWED_KINDS:
            totals = facts.in_window(criterion.window_days or 0)
            if kind == "accepted_referrals":
                return totals.accepted_referrals
            if kind == "won_deals":
                return totals.won_deals
            return totals.won_value_minor
        raise ValueError(f"unknown criterion kind {kind!r}")

    def _attested(self, criterion: Criterion) -> CriterionResult:
        fact = self.program.attested_fact(criterion.fact or "")
        valid_days = fact.valid_days if fact is not None else None
        dates = [
            a.attested_on
            for a in self.facts.attestations
            if a.fact == criterion.fact and a.attested_on <= self.today
        ]
        last_on = max(dates, default=None)
        valid_until = None
        met = last_on is not None
        if last_on is not None and valid_days is not None:
            valid_until = last_on + timedelta(days=valid_days - 1)
            met = self.today <= valid_until
        return CriterionResult(criterion, int(met), 1, met, last_on=last_on,
                               valid_until=valid_until)  # fmt: skip

    def _any_of(self, criterion: Criterion) -> CriterionResult:
        options = tuple(
            self.result(option)
            for option in criterion.options
            if option.applies_to(self.facts.partner_type)
        )
        if not options:  # every option is for other partner types: nothing asked of this one
            return CriterionResult(criterion, 1, 1, True)
        met = [o for o in options if o.met]
        # The figure shown for the group: a met option, else the one closest to its target.
        best = met[0] if met else max(options, key=lambda o: o.value / max(o.target, 1))
        return CriterionResult(criterion, best.value, best.target, bool(met), options=options)
