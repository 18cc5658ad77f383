"""Tier requirements as criteria in program.yml: what loads, and every mistake as `path:line`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.content import load_content
from portal.content.model import ANY_OF, ContentIndex, TierRules
from portal.content.model_governance import AgreementTerms
from portal.content_cli import content_cli
from tests.content.conftest import ContentCopy, only

PROGRAM = "program.yml"
SILVER = (
    "    requirements: [{kind: certified_people, count: 1, label: One certified person}, "
    "{kind: accepted_referrals, count: 2, window_days: 365, label: Two referrals a year}]\n"
)


def silver(content: ContentCopy, *criteria: str) -> int:
    """Give the fixture's silver tier these criteria (YAML block lines); their first line."""
    block = "    requirements:\n" + "".join(f"      {line}\n" for line in criteria)
    content.replace(PROGRAM, SILVER, block)
    return line_of(content, "    requirements:\n      ") + 1


def line_of(content: ContentCopy, text: str) -> int:
    before = content.read(PROGRAM).split(text, 1)[0]
    return before.count("\n") + 1


# --- what loads ---------------------------------------------------------------------------------


def test_the_fixture_tiers_load_as_criteria(index: ContentIndex) -> None:
    gold = index.program.tier("gold")
    assert [c.kind for c in gold.criteria] == ["certified_people", ANY_OF, "staff_attested"]
    group = gold.criteria[1]
    assert [(o.kind, o.target, o.window_days) for o in group.options] == [
        ("won_deals", 5, 365),
        ("won_value", 10_000_000, 365),  # USD 100,000 in cents
    ]
    assert gold.criteria[2].fact == "qbr-attended"
    registered = index.program.tier("registered")
    assert registered.criteria[0].kind == "agreement_accepted"
    assert index.program.agreement == AgreementTerms("agreement", 1, date(2020, 1, 1))
    assert index.program.tier_rules == TierRules(grace_days=30, upgrades_need_approval=True)
    assert index.program.attested_fact("qbr-attended").valid_days == 183
    assert index.program.attested_fact("joint-plan-agreed").valid_days is None


def test_the_demo_program_keeps_the_meaning_of_its_prose() -> None:
    program = load_content(Path(__file__).parents[2] / "content").program
    assert program.tier_rules == TierRules(grace_days=180, upgrades_need_approval=True)
    registered = program.tier("registered")
    # Each partner type needs a certificate from the paths its onboarding checklist requires.
    assert len(registered.requirements_for("referral")) == 3
    assert len(registered.requirements_for("reseller")) == 4
    assert any("Co-Selling" in label for label in registered.requirements_for("alliance"))
    assert not any("Referral Partner" in label for label in registered.requirements_for("alliance"))
    silver = program.tier("silver")
    group = next(c for c in silver.criteria if c.kind == ANY_OF)
    assert {(o.kind, o.target) for o in group.options} == {
        ("accepted_referrals", 4),
        ("won_value", 6_000_000),
    }
    gold = program.tier("gold")
    assert {c.fact for c in gold.criteria if c.kind == "staff_attested"} == {
        "joint-business-plan-reviewed",
        "csat-8-or-better",
    }


def test_labels_are_shown_per_partner_type(content: ContentCopy) -> None:
    silver(
        content,
        "- kind: certified_people",
        "  count: 1",
        "  label: One certified person",
        "- kind: certified_people",
        "  count: 1",
        "  path: advanced",
        "  partner_types: [reseller]",
        "  label: Resellers - one of them in Advanced reselling",
    )
    tier = load_content(content.root).program.tier("silver")
    assert tier.requirements_for("referral") == ("One certified person",)
    assert tier.requirements_for("reseller") == (
        "One certified person",
        "Resellers - one of them in Advanced reselling",
    )


# --- mistakes -----------------------------------------------------------------------------------


def test_prose_requirements_are_no_longer_enough(content: ContentCopy) -> None:
    content.replace(PROGRAM, SILVER, "    requirements: [One certified person]\n")
    line = line_of(content, "    requirements: [One certified person]")
    assert only(content.problems()) == (
        f"program.yml:{line}: each requirement is a criterion with a kind and a label "
        "(see content/README.md), not text: 'One certified person'"
    )


def test_unknown_kind_names_its_line_and_a_suggestion(content: ContentCopy) -> None:
    first = silver(content, "- kind: certfied_people", "  count: 1", "  label: One person")
    assert only(content.problems()) == (
        f"program.yml:{first}: unknown criterion kind 'certfied_people' (did you mean "
        "'certified_people'? kinds: agreement_accepted, onboarding_complete, certified_people, "
        "accepted_referrals, won_deals, won_value, staff_attested, compliance_current, any_of)"
    )


def test_unknown_key_for_the_kind(content: ContentCopy) -> None:
    first = silver(
        content, "- kind: certified_people", "  count: 1", "  window_days: 30", "  label: One"
    )
    problem = only(content.problems())
    assert problem.startswith(
        f"program.yml:{first + 2}: unknown key 'window_days' in a certified_people criterion"
    )


def test_missing_count_and_label(content: ContentCopy) -> None:
    first = silver(content, "- kind: won_deals", "  window_days: 365")
    assert sorted(content.problems()) == [
        f"program.yml:{first}: missing required key 'count' in a won_deals criterion",
        f"program.yml:{first}: missing required key 'label' in a won_deals criterion",
    ]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("0", "must be between 1 and 3660, not 0"),
        ("36500", "must be between 1 and 3660, not 36500"),
        ("a year", "must be a whole number, not 'a year'"),
        ("12.5", "must be a whole number, not 12.5"),
    ],
)
def test_a_bad_window_is_reported(content: ContentCopy, window: str, message: str) -> None:
    first = silver(
        content,
        "- kind: accepted_referrals",
        "  count: 2",
        f"  window_days: {window}",
        "  label: Two referrals",
    )
    assert only(content.problems()) == (
        f"program.yml:{first + 2}: 'window_days' in an accepted_referrals criterion {message}"
    )


def test_unknown_learning_path(content: ContentCopy) -> None:
    first = silver(
        content, "- kind: certified_people", "  count: 1", "  path: basicz", "  label: One"
    )
    assert only(content.problems()) == (
        f"program.yml:{first}: criterion names unknown learning path 'basicz' "
        "(paths: advanced, basics)"
    )


def test_a_path_some_partner_types_cannot_take(content: ContentCopy) -> None:
    first = silver(
        content, "- kind: certified_people", "  count: 1", "  path: advanced", "  label: One"
    )
    assert only(content.problems()) == (
        f"program.yml:{first}: learning path 'advanced' is not for partner type 'referral', "
        "'alliance' (its audience leaves it out), so they could never meet this criterion: "
        "limit it with partner_types"
    )


def test_unknown_partner_type_and_fact(content: ContentCopy) -> None:
    first = silver(
        content,
        "- kind: staff_attested",
        "  fact: qbr",
        "  partner_types: [resseller]",
        "  label: QBR held",
    )
    assert sorted(content.problems()) == [
        f"program.yml:{first + 1}: unknown attested fact 'qbr' "
        "(facts: joint-plan-agreed, qbr-attended)",
        f"program.yml:{first + 2}: unknown partner type 'resseller' "
        "(partner types: alliance, referral, reseller)",
    ]


def test_agreement_accepted_needs_the_versioned_agreement(content: ContentCopy) -> None:
    content.write("pages/agreement.md", "---\ntitle: Partner agreement\n---\nTerms.\n")
    first = line_of(content, "kind: agreement_accepted")
    assert content.problems() == [
        f"program.yml:{first}: agreement_accepted needs the partner agreement: a page with "
        "'version' and 'effective' in its front matter"
    ]


def test_agreement_accepted_names_no_step(content: ContentCopy) -> None:
    silver(content, "- kind: agreement_accepted", "  step: kickoff-call", "  label: Agreement")
    assert "unknown key 'step'" in " ".join(content.problems())


def test_any_of_groups(content: ContentCopy) -> None:
    first = silver(
        content,
        "- label: Either",
        "  any_of:",
        "    - kind: won_deals",
        "      count: 1",
        "      window_days: 365",
        "      label: One won deal",
        "    - any_of: []",
        "      label: Nested",
    )
    assert only(content.problems()) == (
        f"program.yml:{first + 6}: an any_of group cannot hold another any_of group"
    )


def test_an_any_of_group_needs_two_options(content: ContentCopy) -> None:
    first = silver(
        content,
        "- label: Either",
        "  any_of:",
        "    - kind: onboarding_complete",
        "      label: Onboarded",
    )
    assert only(content.problems()) == (
        f"program.yml:{first + 1}: an any_of group needs at least two criteria"
    )


def test_tiers_out_of_order(content: ContentCopy) -> None:
    """Silver asks for five certified people and gold, listed above it, for three."""
    content.replace(PROGRAM, SILVER, SILVER.replace("count: 1", "count: 5"))
    gold_line = line_of(content, "{kind: certified_people, count: 3")
    assert only(content.problems()) == (
        f"program.yml:{gold_line}: tier 'gold' asks for less than tier 'silver' below it "
        "(certified_people: 3 against 5): list tiers entry tier first, each at least as "
        "demanding as the one before"
    )


def test_a_higher_tier_without_requirements(content: ContentCopy) -> None:
    content.replace(PROGRAM, SILVER, "    requirements: []\n")
    line = line_of(content, "    requirements: []")
    assert only(content.problems()) == (
        f"program.yml:{line}: tier 'silver' has no requirements, so every organisation would "
        "qualify for it: only the entry tier (the first) may have none"
    )


def test_bad_tier_rules(content: ContentCopy) -> None:
    content.replace(PROGRAM, "  grace_days: 30\n", "  grace_days: -1\n")
    content.replace(PROGRAM, "  upgrades_need_approval: true\n", "  upgrades_need_approval: yes\n")
    content.replace(PROGRAM, "  upgrades_need_approval: yes\n", "  upgrades_need_approval: 1\n")
    grace = line_of(content, "  grace_days: -1")
    assert sorted(content.problems()) == [
        f"program.yml:{grace}: 'grace_days' in 'tier_rules' must be between 0 and 3660, not -1",
        f"program.yml:{grace + 1}: 'upgrades_need_approval' in 'tier_rules' must be true or "
        "false, not 1",
    ]


def test_duplicate_attested_fact(content: ContentCopy) -> None:
    content.replace(PROGRAM, "  - id: joint-plan-agreed\n", "  - id: qbr-attended\n")
    line = line_of(content, "  - id: qbr-attended\n    name: Joint")
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{line}: duplicate attested fact id 'qbr-attended'")


def test_a_fact_names_the_meeting_kinds_that_count_as_it(index: ContentIndex) -> None:
    assert index.program.attested_fact("qbr-attended").from_meetings == ("qbr",)
    assert index.program.attested_fact("joint-plan-agreed").from_meetings == ()


def test_unknown_meeting_kind(content: ContentCopy) -> None:
    content.replace(
        PROGRAM, "    from_meetings: [qbr]\n", "    from_meetings:\n      - qbr\n      - lunch\n"
    )
    line = line_of(content, "      - lunch")
    assert only(content.problems()) == (
        f"program.yml:{line}: unknown meeting kind 'lunch' "
        "(meeting kinds: meeting, call, qbr, joint_plan_review)"
    )


def test_meeting_kinds_must_be_a_list(content: ContentCopy) -> None:
    content.replace(PROGRAM, "    from_meetings: [qbr]\n", "    from_meetings: qbr\n")
    line = line_of(content, "    from_meetings: qbr")
    assert only(content.problems()) == (
        f"program.yml:{line}: 'from_meetings' in an attested fact must be a list"
    )


def test_content_check_prints_every_tier_problem(content: ContentCopy) -> None:
    silver(content, "- kind: bogus", "  label: Nope", "- kind: won_value", "  label: Money")
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(content.root)])
    assert result.exit_code != 0
    assert "unknown criterion kind 'bogus'" in result.output
    assert "missing required key 'amount' in a won_value criterion" in result.output
