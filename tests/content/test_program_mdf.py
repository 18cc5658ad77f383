"""program.yml `mdf`: funds per tier and period, read into the Program; mistakes at their line."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_the_funds_are_read_in_minor_units_per_tier() -> None:
    mdf = load_content(FIXTURE_CONTENT).program.mdf
    assert mdf is not None
    assert mdf.period == "quarter"
    assert mdf.allocation_for("silver") == 500_000
    assert mdf.allocation_for("gold") == 1_500_000
    assert mdf.allocation_for("registered") == 0
    assert [t.id for t in mdf.activity_types] == ["event", "digital"]
    assert mdf.activity_name("digital") == "Digital campaign"
    assert (mdf.vendor_share_percent, mdf.claim_days) == (50, 60)


def test_without_the_section_there_are_no_funds(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("mdf:")])
    assert load_content(content.root).program.mdf is None


def test_an_unknown_tier_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace("program.yml", "    gold: 15000", "    platinum: 15000")
    problem = only(content.problems())
    line = content.read("program.yml").splitlines().index("    platinum: 15000") + 1
    assert problem.startswith(f"program.yml:{line}: 'platinum' in 'mdf.allocations' is not a tier")


def test_a_share_above_100_percent_is_refused(content: ContentCopy) -> None:
    content.replace("program.yml", "  vendor_share_percent: 50", "  vendor_share_percent: 150")
    problem = only(content.problems())
    assert "'vendor_share_percent' in 'mdf'" in problem


def test_an_unknown_period_and_a_repeated_activity_are_reported(content: ContentCopy) -> None:
    content.replace("program.yml", "  period: quarter", "  period: month")
    content.replace(
        "program.yml", "{id: digital, name: Digital campaign}", "{id: event, name: Again}"
    )
    problems = content.problems()
    assert any("'period' in 'mdf' must be one of quarter, year" in p for p in problems)
    assert any("duplicate MDF activity type 'event'" in p for p in problems)
