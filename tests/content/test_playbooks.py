"""Playbooks: the fixture items load per kind; every error is `path:line: message`."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from portal.content import ContentIndex, load_content
from portal.content.library import Audience, ComparisonTable
from tests.content.conftest import ContentCopy, only

TALK = "playbooks/talk-tracks/discovery-call.md"
CARD = "playbooks/battle-cards/spreadsheets.md"
OBJECTION = "playbooks/objections/too-expensive.md"
USE_CASE = "playbooks/use-cases/saas-forecasting.md"


# --- loading ----------------------------------------------------------------------------------


def test_playbooks_by_kind_then_title(index: ContentIndex) -> None:
    assert isinstance(index.playbooks, MappingProxyType)
    assert list(index.playbooks) == [
        "talk-tracks/qualify-partner",  # staff-only (audience: staff); "Qualifying ..."
        "talk-tracks/discovery-call",  # "The discovery call"
        "battle-cards/spreadsheets",
        "objections/too-expensive",
        "use-cases/saas-forecasting",
    ]
    talk = index.playbooks["talk-tracks/discovery-call"]
    assert (talk.id, talk.kind, talk.key, talk.source) == (
        "discovery-call",
        "talk-tracks",
        "talk-tracks/discovery-call",
        TALK,
    )
    assert talk.title == "The discovery call"
    assert talk.summary == "Five questions that find a forecasting problem."
    assert talk.tags == ("discovery", "pipeline")
    assert talk.related == ("objections/too-expensive", "use-cases/saas-forecasting")
    assert talk.audience == Audience()
    assert talk.comparison is None
    assert '<h2 id="open-the-call">Open the call</h2>' in talk.html


def test_battle_card_comparison(index: ContentIndex) -> None:
    card = index.playbooks["battle-cards/spreadsheets"]
    assert card.comparison == ComparisonTable(
        caption="Testwind compared with spreadsheets",
        columns=("Capability", "Testwind", "Spreadsheets"),
        rows=(("Live pipeline", "Yes", "Manual"), ("Forecast accuracy", "95%", "Guesswork")),
    )


def test_objection_fields(index: ContentIndex) -> None:
    objection = index.playbooks["objections/too-expensive"]
    assert objection.objection == "Your product costs more than we budgeted."
    assert objection.short_answer == "One missed quarter costs more than a year of Testwind."
    assert objection.body.startswith("Walk through the cost")  # the longer answer
    assert (objection.industry, objection.metric) == ("", "")


def test_use_case_fields_and_audience(index: ContentIndex) -> None:
    use_case = index.playbooks["use-cases/saas-forecasting"]
    assert (use_case.industry, use_case.problem, use_case.outcome, use_case.metric) == (
        "Software",
        "Quarterly forecasts missed by 30%.",
        "Forecasts within 5% for three quarters running.",
        "30% to 5% forecast error",
    )
    assert use_case.audience == Audience(("reseller",))
    assert not use_case.audience.admits("referral", 2)


def test_number_cells_read_as_written(content: ContentCopy) -> None:
    content.replace(CARD, '"Yes"', "99")
    card = load_content(content.root).playbooks["battle-cards/spreadsheets"]
    assert card.comparison.rows[0] == ("Live pipeline", "99", "Manual")


def test_comparison_caption_is_optional(content: ContentCopy) -> None:
    content.replace(CARD, "  caption: Testwind compared with spreadsheets\n", "")
    card = load_content(content.root).playbooks["battle-cards/spreadsheets"]
    assert card.comparison.caption == ""


# --- layout -----------------------------------------------------------------------------------


def test_unknown_kind_folder(content: ContentCopy) -> None:
    content.write("playbooks/scripts/a.md", "---\ntitle: x\n---\n")
    content.write("playbooks/scripts/b.md", "---\ntitle: x\n---\n")
    assert only(content.problems()) == (
        "playbooks/scripts/a.md:1: unknown playbook kind folder 'scripts' (kinds: talk-tracks, "
        "battle-cards, objections, use-cases)"
    )


@pytest.mark.parametrize(
    "rel", ["playbooks/intro.md", "playbooks/objections/notes.txt", "playbooks/use-cases/x/a.md"]
)
def test_unexpected_file(content: ContentCopy, rel: str) -> None:
    content.write(rel, "x")
    assert only(content.problems()) == (
        f"{rel}:1: unexpected file: playbooks/ holds <kind>/<id>.md files (kinds: talk-tracks, "
        "battle-cards, objections, use-cases)"
    )


def test_file_name_must_be_a_slug(content: ContentCopy) -> None:
    content.write("playbooks/objections/Too_Slow.md", "---\ntitle: x\n---\n")
    assert only(content.problems()) == (
        "playbooks/objections/Too_Slow.md:1: the file name must be a lower-case slug id "
        "(a-z, 0-9, -): 'Too_Slow.md'"
    )


# --- keys per kind ----------------------------------------------------------------------------


def test_missing_summary(content: ContentCopy) -> None:
    content.replace(TALK, "summary: Five questions that find a forecasting problem.\n", "")
    assert only(content.problems()) == (
        f"{TALK}:2: missing required key 'summary' in talk-track front matter"
    )


def test_comparison_only_on_battle_cards(content: ContentCopy) -> None:
    content.replace(TALK, "tags:", "comparison: {columns: [a], rows: [[b]]}\ntags:")
    assert only(content.problems()) == (
        f"{TALK}:4: unknown key 'comparison' in talk-track front matter "
        "(allowed: audience, related, summary, tags, title)"
    )


def test_objection_needs_its_answer(content: ContentCopy) -> None:
    content.replace(
        OBJECTION, "short_answer: One missed quarter costs more than a year of Testwind.\n", ""
    )
    assert only(content.problems()) == (
        f"{OBJECTION}:2: missing required key 'short_answer' in objection front matter"
    )


def test_use_case_needs_a_metric(content: ContentCopy) -> None:
    content.replace(USE_CASE, "metric: 30% to 5% forecast error\n", "")
    assert only(content.problems()) == (
        f"{USE_CASE}:2: missing required key 'metric' in use-case front matter"
    )


def test_use_case_keys_refused_elsewhere(content: ContentCopy) -> None:
    content.replace(OBJECTION, "tags: [pricing]", "tags: [pricing]\nmetric: 10%")
    assert only(content.problems()) == (
        f"{OBJECTION}:5: unknown key 'metric' in objection front matter (allowed: audience, "
        "objection, related, short_answer, summary, tags, title)"
    )


def test_audience_and_tags_checked_as_for_kits(content: ContentCopy) -> None:
    content.replace(USE_CASE, "partner_types: [reseller]", "partner_types: [resellers]")
    content.replace(USE_CASE, "tags: [forecasting, saas]", "tags: [forecasting, SaaS]")
    assert content.problems() == [
        f"{USE_CASE}:5: audience names unknown partner type 'resellers' (partner types: referral, "
        "reseller, alliance)",
        f"{USE_CASE}:6: tag 'SaaS' must be a lower-case slug (a-z, 0-9, -)",
    ]


# --- comparison tables ------------------------------------------------------------------------


def test_comparison_must_be_a_mapping(content: ContentCopy) -> None:
    content.replace(
        CARD,
        "comparison:\n  caption: Testwind compared with spreadsheets\n  columns: [Capability, "
        'Testwind, Spreadsheets]\n  rows:\n    - [Live pipeline, "Yes", Manual]\n'
        "    - [Forecast accuracy, 95%, Guesswork]\n",
        "comparison: [a, b]\n",
    )
    assert only(content.problems()) == f"{CARD}:6: 'comparison' must be a mapping of keys to values"


def test_comparison_needs_columns(content: ContentCopy) -> None:
    content.replace(CARD, "columns: [Capability, Testwind, Spreadsheets]", "columns: []")
    assert only(content.problems()) == (f"{CARD}:8: comparison 'columns' needs at least one column")


def test_comparison_missing_rows(content: ContentCopy) -> None:
    content.replace(
        CARD,
        '  rows:\n    - [Live pipeline, "Yes", Manual]\n'
        "    - [Forecast accuracy, 95%, Guesswork]\n",
        "",
    )
    assert only(content.problems()) == f"{CARD}:7: missing required key 'rows' in comparison"


def test_comparison_row_of_the_wrong_length(content: ContentCopy) -> None:
    content.replace(CARD, "[Forecast accuracy, 95%, Guesswork]", "[Forecast accuracy, 95%]")
    assert only(content.problems()) == (
        f"{CARD}:11: comparison row 2 has 2 cell(s) but there are 3 columns"
    )


def test_comparison_row_that_is_not_a_list(content: ContentCopy) -> None:
    content.replace(CARD, "- [Forecast accuracy, 95%, Guesswork]", "- Forecast accuracy")
    assert only(content.problems()) == (
        f"{CARD}:11: comparison row 2 must be a list of cells, e.g. [Speed, Fast, Slow]"
    )


def test_comparison_cell_that_is_not_text(content: ContentCopy) -> None:
    content.replace(CARD, '"Yes"', "true")
    assert only(content.problems()) == f"{CARD}:10: each cell of comparison row 1 must be text"


def test_comparison_unknown_key(content: ContentCopy) -> None:
    content.replace(CARD, "  caption:", "  title:")
    assert content.problems() == [
        f"{CARD}:7: unknown key 'title' in comparison (allowed: caption, columns, rows)"
    ]


# --- related items ----------------------------------------------------------------------------


def test_related_item_that_does_not_exist(content: ContentCopy) -> None:
    content.replace(TALK, "objections/too-expensive", "objections/too-slow")
    assert only(content.problems()) == (
        f"{TALK}:5: related item 'objections/too-slow' does not exist "
        "(no playbooks/objections/too-slow.md)"
    )


@pytest.mark.parametrize("key", ["too-expensive", "scripts/x", "objections/Too_Expensive", "a/b/c"])
def test_related_item_badly_formed(content: ContentCopy, key: str) -> None:
    content.replace(TALK, "objections/too-expensive", key)
    assert only(content.problems()) == (
        f"{TALK}:5: related item {key!r} must be <kind>/<id>, e.g. objections/too-expensive "
        "(kinds: talk-tracks, battle-cards, objections, use-cases)"
    )


def test_related_to_itself(content: ContentCopy) -> None:
    content.replace(TALK, "objections/too-expensive", "talk-tracks/discovery-call")
    assert only(content.problems()) == f"{TALK}:5: a playbook cannot be related to itself"


def test_related_twice(content: ContentCopy) -> None:
    content.replace(TALK, "use-cases/saas-forecasting", "objections/too-expensive")
    assert only(content.problems()) == (
        f"{TALK}:5: related item 'objections/too-expensive' is listed twice"
    )


def test_related_to_a_broken_item_reports_only_that_item(content: ContentCopy) -> None:
    content.replace(OBJECTION, "title: It is too expensive\n", "")
    assert only(content.problems()) == (
        f"{OBJECTION}:2: missing required key 'title' in objection front matter"
    )


def test_broken_link_in_a_playbook_body(content: ContentCopy) -> None:
    content.replace(
        CARD, "Spreadsheets are free", "See [basics](/learn/nope). Spreadsheets are free"
    )
    assert only(content.problems()) == (
        f"{CARD}:13: broken link /learn/nope: there is no learning path 'nope'"
    )


def test_every_playbook_problem_is_collected(content: ContentCopy) -> None:
    content.replace(TALK, "objections/too-expensive", "objections/nope")
    content.replace(CARD, "[Forecast accuracy, 95%, Guesswork]", "[Forecast accuracy]")
    content.replace(USE_CASE, "industry: Software\n", "")
    problems = content.problems()
    assert [p.split(": ", 1)[0] for p in problems] == [f"{CARD}:11", f"{TALK}:5", f"{USE_CASE}:2"]
