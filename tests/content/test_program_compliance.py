"""program.yml `compliance`: the documents partners keep, read into the Program, mistakes at
their line."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy


def test_the_documents_are_read_with_their_defaults() -> None:
    rules = load_content(FIXTURE_CONTENT).program.compliance
    assert [d.id for d in rules.documents] == ["tax-form", "insurance"]
    tax, insurance = rules.documents
    assert (tax.expires, tax.valid_days, tax.partner_types) == (False, None, ())
    assert (insurance.valid_days, insurance.reminder_days) == (365, 30)
    assert [d.id for d in rules.required_for("referral")] == ["tax-form"]
    assert [d.id for d in rules.required_for("reseller")] == ["tax-form", "insurance"]


def test_mistakes_are_named_at_their_line(content: ContentCopy) -> None:
    content.replace(
        "program.yml",
        "      partner_types: [reseller, alliance]\n      valid_days: 365",
        "      partner_types: [reseller, partnr]\n      valid_days: 0",
    )
    content.replace(
        "program.yml", "      expires: false", "      expires: false\n      reminder_days: 5"
    )
    problems = content.problems()
    assert problems[0] == (
        "program.yml:123: 'reminder_days' is only for documents that expire "
        "(this one has expires: false)"
    )
    assert problems[1].startswith("program.yml:126: unknown partner type 'partnr'")
    assert problems[2] == (
        "program.yml:127: 'valid_days' in a compliance document must be between 1 and 3660, not 0"
    )
