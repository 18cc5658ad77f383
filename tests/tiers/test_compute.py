"""compute_standing: every criterion kind, windowed totals, certificates that expire."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.content.model import (
    ANY_OF,
    AttestedFact,
    Criterion,
    PartnerType,
    Program,
    Tier,
    TierRules,
)
from portal.tiers.compute import compute_standing
from portal.tiers.facts import Attestation, Certificate, OrgFacts, WindowTotals

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
YEAR = timedelta(days=365)


def criterion(kind: str, label: str = "", **fields) -> Criterion:
    return Criterion(kind=kind, label=label or kind, **fields)


def program(*tiers: tuple[Criterion, ...], facts=()) -> Program:
    """A program whose tiers (entry first) have these criteria."""
    names = ("registered", "silver", "gold", "platinum")
    return Program(
        name="Test",
        vendor="Testwind",
        currency="USD",
        partner_types=(PartnerType("referral", "Referral"), PartnerType("reseller", "Reseller")),
        tiers=tuple(
            Tier(id=names[rank], name=names[rank].title(), rank=rank, criteria=criteria)
            for rank, criteria in enumerate(tiers)
        ),
        first_response_hours=48,
        stale_after_days=14,
        protection_days=90,
        pipeline_stages=("submitted", "accepted", "won", "lost"),
        regions=(),
        commission_rules=(),
        commission_hold_days=60,
        attested_facts=facts,
        tier_rules=TierRules(),
    )


def org(**fields) -> OrgFacts:
    return OrgFacts(organization_id=1, partner_type="referral", tier="registered", **fields)


def judge(crit: Criterion, facts: OrgFacts, *, now: datetime = NOW, fact_defs=()):
    """The one criterion, judged as the silver tier's only criterion."""
    standing = compute_standing(program((), (crit,), facts=fact_defs), facts, now)
    return standing.tiers[1].results[0]


# --- yes/no kinds ---------------------------------------------------------------------------


def test_agreement_accepted_is_the_binding_version_accepted() -> None:
    crit = criterion("agreement_accepted")
    assert not judge(crit, org()).met
    result = judge(crit, org(agreement_current=True))
    assert (result.value, result.target, result.met) == (1, 1, True)


def test_onboarding_complete_is_activation() -> None:
    crit = criterion("onboarding_complete")
    assert not judge(crit, org()).met
    assert judge(crit, org(activated_at=NOW - timedelta(days=3))).met
    assert not judge(crit, org(activated_at=NOW + timedelta(seconds=1))).met


# --- certified people -----------------------------------------------------------------------


def cert(user_id: int, path: str = "basics", *, age=timedelta(days=10), valid=YEAR, **more):
    issued = NOW - age
    return Certificate(user_id, path, issued, None if valid is None else issued + valid, **more)


def test_certified_people_counts_people_not_certificates() -> None:
    crit = criterion("certified_people", count=2)
    one_person_twice = org(certificates=(cert(1), cert(1, "advanced")))
    result = judge(crit, one_person_twice)
    assert (result.value, result.target, result.met, result.missing) == (1, 2, False, 1)
    assert judge(crit, org(certificates=(cert(1), cert(2, "advanced")))).met


def test_certified_people_within_a_learning_path() -> None:
    crit = criterion("certified_people", count=1, path="advanced")
    assert not judge(crit, org(certificates=(cert(1), cert(2)))).met
    assert judge(crit, org(certificates=(cert(1), cert(2, "advanced")))).met


def test_certificates_that_expire_stop_counting_at_their_expiry() -> None:
    crit = criterion("certified_people", count=1)
    expiring = cert(1, age=YEAR, valid=YEAR)  # expires exactly now
    assert not judge(crit, org(certificates=(expiring,))).value
    a_second_left = cert(1, age=YEAR - timedelta(seconds=1), valid=YEAR)
    assert judge(crit, org(certificates=(a_second_left,))).met
    expired_long_ago = cert(1, age=3 * YEAR, valid=YEAR)
    assert not judge(crit, org(certificates=(expired_long_ago,))).met
    never_expires = cert(1, age=3 * YEAR, valid=None)
    assert judge(crit, org(certificates=(never_expires,))).met


def test_revoked_and_future_certificates_do_not_count() -> None:
    crit = criterion("certified_people", count=1)
    revoked = cert(1, revoked_at=NOW - timedelta(hours=1))
    assert not judge(crit, org(certificates=(revoked,))).met
    revoked_later = cert(1, revoked_at=NOW + timedelta(hours=1))
    assert judge(crit, org(certificates=(revoked_later,))).met
    not_yet_issued = cert(1, age=-timedelta(seconds=1))
    assert not judge(crit, org(certificates=(not_yet_issued,))).met


# --- windows --------------------------------------------------------------------------------


def totals(days: int = 365, **counts: int) -> dict[int, WindowTotals]:
    """Referral outcomes of one trailing window, as gathering counts them."""
    return {days: WindowTotals(**counts)}


def test_accepted_referrals_are_the_totals_of_the_criterion_s_own_window() -> None:
    """(Where a window starts and ends is the gathering's: tests/tiers/test_gather.py.)"""
    crit = criterion("accepted_referrals", count=2, window_days=365)
    facts = org(windows={**totals(90, accepted_referrals=1), **totals(accepted_referrals=2)})
    assert (judge(crit, facts).value, judge(crit, facts).met) == (2, True)
    quarter = judge(replace(crit, window_days=90), facts)
    assert (quarter.value, quarter.met, quarter.missing) == (1, False, 1)
    assert judge(crit, org()).value == 0  # a window nobody gathered counts nothing


def test_won_deals_window() -> None:
    crit = criterion("won_deals", count=3, window_days=30)
    assert not judge(crit, org(windows=totals(30, won_deals=2, won_value_minor=10))).met
    assert judge(crit, org(windows=totals(30, won_deals=3))).met
    assert judge(crit, org(windows=totals(365, won_deals=9))).value == 0  # another window


def test_won_value_is_the_window_s_total() -> None:
    crit = criterion("won_value", amount_minor=6_000_000, window_days=365)
    result = judge(crit, org(windows=totals(won_deals=3, won_value_minor=5_999_999)))
    assert (result.value, result.target, result.met, result.missing) == (
        5_999_999, 6_000_000, False, 1,
    )  # fmt: skip
    assert judge(crit, org(windows=totals(won_deals=1, won_value_minor=6_000_000))).met


# --- staff attested -------------------------------------------------------------------------


QBR = AttestedFact("qbr", "QBR attended", valid_days=92)
PLAN = AttestedFact("plan", "Joint plan agreed")


def test_an_attested_fact_counts_for_its_valid_days() -> None:
    crit = criterion("staff_attested", fact="qbr")
    on = TODAY - timedelta(days=91)  # the 92nd day, counting the day itself
    result = judge(crit, org(attestations=(Attestation("qbr", on),)), fact_defs=(QBR,))
    assert result.met and result.valid_until == TODAY and result.last_on == on
    too_old = Attestation("qbr", TODAY - timedelta(days=92))
    result = judge(crit, org(attestations=(too_old,)), fact_defs=(QBR,))
    assert not result.met and result.valid_until == TODAY - timedelta(days=1)


def test_the_latest_attestation_counts_and_future_ones_do_not() -> None:
    crit = criterion("staff_attested", fact="qbr")
    facts = org(
        attestations=(
            Attestation("qbr", date(2025, 1, 1)),
            Attestation("qbr", TODAY - timedelta(days=3)),
            Attestation("qbr", TODAY + timedelta(days=1)),
            Attestation("plan", TODAY),
        )
    )
    result = judge(crit, facts, fact_defs=(QBR, PLAN))
    assert result.met and result.last_on == TODAY - timedelta(days=3)
    nothing = judge(crit, org(attestations=(Attestation("plan", TODAY),)), fact_defs=(QBR, PLAN))
    assert not nothing.met and nothing.last_on is None


def test_an_attested_fact_without_valid_days_counts_for_good() -> None:
    crit = criterion("staff_attested", fact="plan")
    facts = org(attestations=(Attestation("plan", date(2019, 5, 1)),))
    result = judge(crit, facts, fact_defs=(PLAN,))
    assert result.met and result.valid_until is None


# --- any_of and partner types -----------------------------------------------------------------


def test_any_of_is_met_by_any_option_and_shows_the_closest() -> None:
    group = criterion(
        ANY_OF,
        options=(
            criterion("accepted_referrals", count=4, window_days=365),
            criterion("won_value", amount_minor=6_000_000, window_days=365),
        ),
    )
    three_referrals = org(windows=totals(accepted_referrals=3))
    result = judge(group, three_referrals)
    assert not result.met
    assert (result.value, result.target) == (3, 4)  # 3/4 is closer than 0/60,000
    assert [o.value for o in result.options] == [3, 0]
    big_deal = org(windows=totals(won_deals=1, won_value_minor=6_000_000))
    result = judge(group, big_deal)
    assert result.met and (result.value, result.target) == (6_000_000, 6_000_000)


def test_criteria_for_other_partner_types_are_left_out() -> None:
    only_resellers = criterion("certified_people", count=1, path="advanced",
                               partner_types=("reseller",))  # fmt: skip
    anyone = criterion("onboarding_complete")
    standing = compute_standing(program((), (only_resellers, anyone)), org(), NOW)
    assert [r.kind for r in standing.tiers[1].results] == ["onboarding_complete"]
    reseller = replace(org(), partner_type="reseller")
    standing = compute_standing(program((), (only_resellers, anyone)), reseller, NOW)
    assert [r.kind for r in standing.tiers[1].results] == [
        "certified_people",
        "onboarding_complete",
    ]


# --- the standing ---------------------------------------------------------------------------


AGREEMENT = criterion("agreement_accepted", "Agreement")
ONE_CERT = criterion("certified_people", "One certified person", count=1)
TWO_REFERRALS = criterion("accepted_referrals", "Two referrals", count=2, window_days=365)
THREE_CERTS = criterion("certified_people", "Three certified people", count=3)
TIERS = program((AGREEMENT,), (ONE_CERT, TWO_REFERRALS), (THREE_CERTS,))


def test_tiers_are_cumulative() -> None:
    """Three certified people meet gold's own criterion, but without silver's two referrals
    the organisation qualifies for registered only... and without the agreement, for the floor."""
    three = tuple(cert(n) for n in (1, 2, 3))
    standing = compute_standing(TIERS, org(agreement_current=True, certificates=three), NOW)
    assert [t.met for t in standing.tiers] == [True, False, True]
    assert standing.qualified.id == "registered"
    with_referrals = org(agreement_current=True, certificates=three,
                         windows=totals(accepted_referrals=2))  # fmt: skip
    assert compute_standing(TIERS, with_referrals, NOW).qualified.id == "gold"
    no_agreement = org(certificates=three, windows=totals(accepted_referrals=2))
    standing = compute_standing(TIERS, no_agreement, NOW)
    assert standing.qualified.id == "registered" and not standing.tiers[0].met


def test_what_is_missing_for_the_next_tier_and_the_own_tier() -> None:
    facts = replace(org(agreement_current=True, certificates=(cert(1),),
                        windows=totals(accepted_referrals=1)), tier="silver")  # fmt: skip
    standing = compute_standing(TIERS, facts, NOW)
    assert standing.current_rank == 1 and standing.next_tier.id == "gold"
    assert [(r.label, r.value, r.target, r.missing) for r in standing.missing_for_current] == [
        ("Two referrals", 1, 2, 1)
    ]
    assert [r.label for r in standing.missing_for_next] == [
        "Two referrals",
        "Three certified people",
    ]
    top = compute_standing(TIERS, replace(facts, tier="gold"), NOW)
    assert top.next_tier is None and top.missing_for_next == ()


def test_a_tier_the_program_dropped_counts_as_the_entry_tier() -> None:
    standing = compute_standing(TIERS, replace(org(), tier="platinum"), NOW)
    assert standing.current_rank == 0 and standing.next_tier.id == "silver"


def test_now_must_be_aware_and_the_program_must_have_tiers() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_standing(TIERS, org(), NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="no tiers"):
        compute_standing(replace(TIERS, tiers=()), org(), NOW)
