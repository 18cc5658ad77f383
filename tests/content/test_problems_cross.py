"""Cross-file problems: onboarding, learning paths and program.yml, each as `path:line: message`."""

from __future__ import annotations

import pytest

from tests.content.conftest import ContentCopy, only

QUALIFYING = "learning/basics/02-qualifying.md"
HANDOVER = "learning/basics/03-handover.md"
REFERRAL = "onboarding/referral.md"


# --- onboarding -------------------------------------------------------------------------------


def test_step_naming_an_unknown_path(content: ContentCopy) -> None:
    content.replace(REFERRAL, "path: basics", "path: basic")
    assert only(content.problems()) == (
        f"{REFERRAL}:11: step names unknown learning path 'basic' (paths: advanced, basics)"
    )


def test_learning_path_step_without_path(content: ContentCopy) -> None:
    content.replace(REFERRAL, "    path: basics\n", "")
    assert only(content.problems()) == (
        f"{REFERRAL}:9: a learning_path step needs 'path': the id of a learning path"
    )


def test_step_for_a_path_outside_its_audience(content: ContentCopy) -> None:
    content.replace(REFERRAL, "path: basics", "path: advanced")
    assert only(content.problems()) == (
        f"{REFERRAL}:11: learning path 'advanced' is not for partner type 'referral' "
        "(its audience leaves it out), so this step could never be done"
    )


def test_unknown_step_kind(content: ContentCopy) -> None:
    content.replace(REFERRAL, "kind: staff", "kind: phone")
    assert only(content.problems()) == (
        f"{REFERRAL}:22: unknown step kind 'phone' (kinds: acknowledge, agreement, "
        "compliance_documents, "
        "learning_path, kit_download, first_referral, staff)"
    )


def test_checklist_for_unknown_partner_type(content: ContentCopy) -> None:
    content.write("onboarding/distributor.md", content.read(REFERRAL))
    assert only(content.problems()) == (
        "onboarding/distributor.md:1: 'distributor' is not a partner type in program.yml "
        "(partner types: referral, reseller, alliance)"
    )


def test_partner_type_without_checklist(content: ContentCopy) -> None:
    content.remove("onboarding/alliance.md")
    assert only(content.problems()) == (
        "program.yml:11: partner type 'alliance' has no onboarding checklist: "
        "add onboarding/alliance.md"
    )


def test_step_link_must_be_a_safe_url(content: ContentCopy) -> None:
    content.replace(REFERRAL, "link: /program/rules", "link: javascript:alert(1)")
    assert only(content.problems()) == (
        f"{REFERRAL}:8: link must be a portal path starting with / or an http(s) or mailto URL, "
        "not 'javascript:alert(1)'"
    )


# --- learning paths ---------------------------------------------------------------------------


def test_audience_names_unknown_partner_type(content: ContentCopy) -> None:
    content.replace(
        "learning/advanced/path.md", "audience: [reseller]", "audience: [reseller, vars]"
    )
    assert only(content.problems()) == (
        "learning/advanced/path.md:4: audience names unknown partner type 'vars' "
        "(partner types: alliance, referral, reseller)"
    )


def test_prerequisite_unknown_module(content: ContentCopy) -> None:
    content.replace(
        HANDOVER, "summary: A clean handover.", "prerequisites:\n  - welcome\n  - qualifing"
    )
    assert only(content.problems()) == (
        f"{HANDOVER}:5: prerequisite 'qualifing' is not a module of this path "
        "(modules: welcome, qualifying, handover)"
    )


def test_prerequisite_itself(content: ContentCopy) -> None:
    content.replace(HANDOVER, "summary: A clean handover.", "prerequisites: [handover]")
    assert (
        only(content.problems())
        == f"{HANDOVER}:3: module 'handover' cannot be its own prerequisite"
    )


def test_prerequisite_later_module(content: ContentCopy) -> None:
    content.replace(QUALIFYING, "minutes: 8", "prerequisites: [handover]")
    assert only(content.problems()) == (
        f"{QUALIFYING}:4: prerequisite 'handover' comes after 'qualifying' in the path; "
        "prerequisites must be earlier modules (a later one could make a cycle)"
    )


def test_path_without_modules(content: ContentCopy) -> None:
    content.remove("learning/advanced/01-pricing.md")
    assert only(content.problems()) == (
        "learning/advanced/path.md:1: learning path 'advanced' has no modules: "
        "add files named NN-<id>.md"
    )


# --- program.yml ------------------------------------------------------------------------------


def test_commission_rule_unknown_partner_type(content: ContentCopy) -> None:
    content.replace("program.yml", "- partner_type: reseller", "- partner_type: resseller")
    assert only(content.problems()) == (
        "program.yml:44: commission rule names unknown partner type 'resseller' "
        "(partner types: alliance, referral, reseller)"
    )


def test_commission_rule_invalid_involvement(content: ContentCopy) -> None:
    content.replace("program.yml", "involvement: influenced", "involvement: assisted")
    assert only(content.problems()) == (
        "program.yml:42: involvement must be one of sourced, influenced, not 'assisted'"
    )


@pytest.mark.parametrize("rate", ['"ten"', '"-1"', '"150"', '"NaN"', "7.5"])
def test_rate_percent_must_be_a_decimal(content: ContentCopy, rate: str) -> None:
    content.replace("program.yml", 'rate_percent: "20"', f"rate_percent: {rate}")
    problem = only(content.problems())
    assert problem.startswith("program.yml:46: rate_percent must be a")


def test_duplicate_partner_type(content: ContentCopy) -> None:
    content.replace("program.yml", "- id: alliance", "- id: reseller")
    problems = content.problems()
    assert "program.yml:11: duplicate partner type id 'reseller' (first used on line 8)" in problems


def test_currency_code(content: ContentCopy) -> None:
    content.replace("program.yml", "currency: USD", "currency: dollars")
    assert only(content.problems()) == (
        "program.yml:3: currency must be an ISO 4217 code such as USD, not 'dollars'"
    )


def test_unknown_program_key(content: ContentCopy) -> None:
    content.replace(
        "program.yml", "sla:\n  first_response_hours: 48", "sla:\n  first_response_hour: 48"
    )
    assert only(content.problems()).startswith(
        "program.yml:28: unknown key 'first_response_hour' in 'sla' (did you mean "
        "'first_response_hours'?"
    )
