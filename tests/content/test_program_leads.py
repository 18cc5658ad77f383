"""program.yml `leads`: read into the Program, every mistake named at its path:line."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_the_rules_are_read() -> None:
    leads = load_content(FIXTURE_CONTENT).program.leads
    assert leads.accept_hours == 48
    assert leads.industries == ("Healthcare", "Retail")
    assert leads.region_of("DE") == "Europe"
    assert leads.region_of("JP") == ""
    assert leads.routing.partner_types == ("referral", "reseller")
    assert leads.routing.industry_match is True
    assert (leads.routing.cap, leads.routing.cap_period, leads.routing.choose) == (
        5,
        "month",
        "round_robin",
    )


def test_the_demo_content_is_valid() -> None:
    from pathlib import Path

    routing = load_content(Path("content")).program.leads.routing
    assert routing.certification == "co-selling-essentials"


def _line(content: ContentCopy, text: str) -> int:
    return content.read("program.yml").splitlines().index(text) + 1


def test_unknown_choice_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace("program.yml", "    choose: round_robin", "    choose: random")
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{_line(content, '    choose: random')}: ")
    assert "round_robin, weighted" in problem


def test_unknown_country_and_region_are_named(content: ContentCopy) -> None:
    content.replace("program.yml", "    Europe: [DE, FR, GB]", "    Europe: [DE, XX]")
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{_line(content, '    Europe: [DE, XX]')}: ")
    assert "'XX'" in problem and "ISO 3166" in problem
    content.replace("program.yml", "    Europe: [DE, XX]", "    Mars: [DE]")
    assert "'Mars' in 'leads.country_regions' is not a program region" in only(content.problems())


def test_unknown_tier_type_and_path_are_named(content: ContentCopy) -> None:
    content.replace("program.yml", "    minimum_tier: registered", "    minimum_tier: platinum")
    assert "unknown tier 'platinum'" in only(content.problems())
    content.replace("program.yml", "    minimum_tier: platinum", "    certification: nope")
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{_line(content, '    certification: nope')}: ")
    assert "unknown learning path 'nope'" in problem
