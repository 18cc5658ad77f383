"""program.yml `governance.approval_hours`: the co-marketing review SLA, mistakes at their line."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_the_approval_hours_are_read() -> None:
    assert load_content(FIXTURE_CONTENT).program.governance.approval_hours == 72


def test_without_the_section_the_default_applies(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("governance:")])  # the file's last section
    assert load_content(content.root).program.governance.approval_hours == 72


def test_a_value_out_of_range_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace("program.yml", "  approval_hours: 72", "  approval_hours: 0")
    problem = only(content.problems())
    assert problem.startswith("program.yml:69: ")
    assert "approval_hours" in problem


def test_an_unknown_key_is_named(content: ContentCopy) -> None:
    content.replace("program.yml", "  approval_hours: 72", "  approval_hours: 9\n  aproval_days: 2")
    problem = only(content.problems())
    assert problem.startswith("program.yml:70: ")
    assert "aproval_days" in problem
