"""program.yml `governance.topics`: read into the Program, every mistake at its line."""

from __future__ import annotations

from portal.content import load_content
from portal.content.model_governance import QuestionTopic
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_topics_are_read_in_order_with_group_and_sla() -> None:
    governance = load_content(FIXTURE_CONTENT).program.governance
    assert governance.topics == (
        QuestionTopic("commissions", "Commissions and payouts", "Partner finance", 8),
        QuestionTopic("program", "Program and tiers", "Partner managers", 24),
    )
    assert governance.topic_name("program") == "Program and tiers"
    assert governance.topic_name("retired") == "retired"


def test_without_governance_there_are_no_topics(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("governance:")])
    assert load_content(content.root).program.governance.topics == ()


def test_a_duplicate_topic_id_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace("program.yml", "    - id: program\n", "    - id: commissions\n")
    problem = only(content.problems())
    assert problem.startswith("program.yml:")
    assert "duplicate" in problem.lower() or "governance topic id" in problem


def test_the_sla_hours_must_be_a_positive_whole_number(content: ContentCopy) -> None:
    content.replace("program.yml", "first_response_hours: 24\n", "first_response_hours: 0\n")
    problem = only(content.problems())
    assert "'first_response_hours' in a governance topic must be" in problem


def test_a_topic_needs_its_group(content: ContentCopy) -> None:
    content.replace("program.yml", "      group: Partner finance\n", "")
    problem = only(content.problems())
    assert "missing required key 'group' in a governance topic" in problem
