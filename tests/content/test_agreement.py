"""The partner agreement's `version` and `effective` front matter, and what needs them."""

from __future__ import annotations

from datetime import date

from portal.content import load_content
from portal.content.model_governance import AgreementTerms
from tests.content.conftest import ContentCopy, only

AGREEMENT = "pages/agreement.md"


def test_the_fixture_agreement_is_version_one(content: ContentCopy) -> None:
    program = load_content(content.root).program
    assert program.agreement == AgreementTerms("agreement", 1, date(2020, 1, 1))


def test_version_and_effective_go_together(content: ContentCopy) -> None:
    content.replace(AGREEMENT, "effective: 2020-01-01\n", "")
    assert only(content.problems()) == (
        f"{AGREEMENT}:5: a versioned agreement needs both 'version' and 'effective' "
        "('effective' is missing)"
    )


def test_effective_is_a_date(content: ContentCopy) -> None:
    content.replace(AGREEMENT, "effective: 2020-01-01", "effective: next spring")
    assert only(content.problems()) == (
        f"{AGREEMENT}:6: 'effective' must be a date written YYYY-MM-DD, not 'next spring'"
    )


def test_only_one_page_is_versioned(content: ContentCopy) -> None:
    content.write(
        "pages/second.md", "---\ntitle: Second\nversion: 3\neffective: 2021-01-01\n---\nText.\n"
    )
    assert "only one page may carry a 'version'" in only(content.problems())


def test_an_agreement_step_needs_the_agreement(content: ContentCopy) -> None:
    content.replace(AGREEMENT, "version: 1\neffective: 2020-01-01\n", "")
    content.replace("onboarding/referral.md", "kind: acknowledge", "kind: agreement")
    problems = content.problems()
    assert any(
        p.startswith("onboarding/referral.md:1: step 'accept-agreement' (kind agreement) needs")
        for p in problems
    ), problems
