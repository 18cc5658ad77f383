"""program.yml `benchmarks.direct_sales`: read into the Program, every mistake at its line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from portal.content import load_content
from portal.content_cli import content_cli
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_the_baseline_is_read_per_stage_in_pipeline_order() -> None:
    baseline = load_content(FIXTURE_CONTENT).program.benchmarks.direct_sales
    assert baseline is not None
    assert baseline.stage_conversion == (
        ("submitted", 50.0),
        ("accepted", 80.0),
        ("contacted", 60.0),
        ("qualified", 50.0),
        ("proposal", 40.0),
    )
    assert baseline.conversion("qualified") == 50.0
    assert baseline.conversion("won") is None
    assert baseline.win_rate == 25.0
    assert baseline.median_days_to_close == 90


def test_without_benchmarks_there_is_no_baseline(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("benchmarks:")])
    assert load_content(content.root).program.benchmarks.direct_sales is None


def test_a_stage_outside_the_open_pipeline_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace("program.yml", "      proposal: 40", "      won: 40")
    problem = only(content.problems())
    assert problem.startswith("program.yml:65: 'won' in 'benchmarks.direct_sales.")
    assert "not an open pipeline stage" in problem
    assert "submitted, accepted, contacted, qualified, proposal" in problem


@pytest.mark.parametrize("value", ["101", "-1", '"fifty"', "true"])
def test_a_percent_must_be_between_0_and_100(content: ContentCopy, value: str) -> None:
    content.replace("program.yml", "    win_rate: 25", f"    win_rate: {value}")
    problem = only(content.problems())
    assert problem.startswith("program.yml:66: 'win_rate'")
    assert "percent from 0 to 100" in problem


def test_days_to_close_is_a_whole_number(content: ContentCopy) -> None:
    content.replace("program.yml", "median_days_to_close: 90", "median_days_to_close: 0")
    problem = only(content.problems())
    assert problem.startswith("program.yml:67: 'median_days_to_close'")


def test_an_unknown_key_is_named_with_the_allowed_ones(content: ContentCopy) -> None:
    content.replace("program.yml", "    win_rate: 25", "    winrate: 25")
    problem = only(content.problems())
    assert problem.startswith("program.yml:66: unknown key 'winrate'")
    assert "did you mean 'win_rate'?" in problem


def test_benchmarks_must_be_a_mapping(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("benchmarks:")] + "benchmarks: [1, 2]\n")
    problem = only(content.problems())
    assert problem.startswith("program.yml:58: 'benchmarks' must be a mapping")


def test_flask_content_check_reports_the_line(content: ContentCopy) -> None:
    content.replace("program.yml", "      accepted: 80", "      accepted: 180")
    outcome = CliRunner().invoke(content_cli, ["check", "--no-history", str(content.root)])
    assert outcome.exit_code != 0
    assert "program.yml:62: 'accepted'" in outcome.output
