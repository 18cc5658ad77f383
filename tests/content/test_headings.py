"""Heading levels and ids on cmark-gfm's output: GitHub's anchors, never an id the page uses."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from portal.content.headings import (
    PAGE_IDS,
    element_ids,
    github_slug,
    shift_headings,
    step_ids,
)

TEMPLATES = Path(__file__).parents[2] / "portal" / "templates"
_ID = re.compile(r'(?<![\w-])id="([^"]*)"')
# Templates with ids built from data, and why a content heading can never meet them: only the
# onboarding steps share a page with content, and rendering reserves their ids (step_ids).
DYNAMIC_IDS = {
    "_macros.html": "form field hints and errors: forms, no content on those pages",
    "admin/audit.html": "audit log",
    "api/reference.html": "the API reference: operations and schemas, no content on the page",
    "inbox/_macros.html": "staff inbox",
    "inbox/_row.html": "staff inbox",
    "inbox/commissions_row.html": "staff inbox",
    "inbox/referral.html": "staff referral page: its disclosures, no content on the page",
    "insights/_charts.html": "staff insights: charts and tables",
    "insights/index.html": "staff insights: sections and figures",
    "learning/_org_certifications.html": "staff organisation page",
    "mdf/_claims.html": "MDF request pages: one card per claim, no content on the page",
    "learning/history.html": "past quiz attempts: snapshots as text, no content rendered",
    "learning/paths.html": "the list of paths: titles only",
    "onboarding/_staff_steps.html": "staff organisation page",
    "onboarding/_step.html": "reserved while rendering a checklist: step_ids()",
    "playbooks/library.html": "the library: titles only",
    "referrals/_macros.html": "referral form",
    "referrals/earnings_row.html": "earnings",
    "referrals/earnings_totals.html": "earnings",
    "tiers/organization.html": "staff tier standing: no content on the page",
    "tiers/reviews.html": "staff tier reviews: no content on the page",
    "scorecard/scorecard.html": "the scorecard: figures only, no content on the page",
    "staff/orgs.html": "staff: the organisation list's sortable columns",
    "_questions_about.html": "the including page names its heading: reserved in PAGE_IDS",
    "questions/faq.html": "staff FAQ candidates: a snippet box per answer, no content",
    "directory/index.html": "the public directory's filters: field ids only",
}


def _template_ids() -> dict[str, list[str]]:
    return {
        path.relative_to(TEMPLATES).as_posix(): _ID.findall(path.read_text())
        for path in TEMPLATES.rglob("*.html")
    }


def test_every_fixed_id_of_the_templates_is_reserved() -> None:
    fixed = {i for ids in _template_ids().values() for i in ids if "{" not in i}
    assert fixed - {"true"} <= PAGE_IDS, sorted(fixed - PAGE_IDS)


def test_every_template_with_ids_from_data_is_accounted_for() -> None:
    dynamic = {name for name, ids in _template_ids().items() if any("{" in i for i in ids)}
    assert dynamic == set(DYNAMIC_IDS)


def test_the_onboarding_page_reserves_its_step_ids() -> None:
    assert step_ids(["sign"]) == {"step-sign", "step-sign-title"}
    html = shift_headings("<h1>Step sign</h1>", PAGE_IDS | step_ids(["sign"]))
    assert html == '<h2 id="step-sign-1">Step sign</h2>'


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("Pricing & payouts", "pricing--payouts"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("What's new? (2024)", "whats-new-2024"),
        ("Ünïcode Straße", "ünïcode-straße"),
        ("  padded  ", "--padded--"),
    ],
)
def test_github_slug(text: str, slug: str) -> None:
    assert github_slug(text) == slug


def test_the_id_comes_from_the_text_not_the_markup() -> None:
    html = shift_headings('<h2>Use <code>a&lt;b</code> &amp; <a href="/x">links</a></h2>', ())
    assert (
        html == '<h3 id="use-ab--links">Use <code>a&lt;b</code> &amp; <a href="/x">links</a></h3>'
    )


def test_a_heading_without_letters_or_digits_gets_no_id() -> None:
    assert shift_headings("<h1>?!</h1>\n<h1>--</h1>", ()) == "<h2>?!</h2>\n<h2>--</h2>"


def test_headings_with_attributes_are_left_as_written() -> None:
    raw = '<h2 id="mine">Mine</h2>'
    assert shift_headings(raw, ()) == raw


def test_an_unclosed_heading_does_not_stop_the_others() -> None:
    html = shift_headings("<h2>never closed <h3>Later</h3> <h2>also open", ())
    assert html == '<h2>never closed <h4 id="later">Later</h4> <h2>also open'


@pytest.mark.parametrize(
    "raw",
    [
        "<h2>" * 200_000,
        "<h1>" + "<" * 500_000 + "</h1>",
        "".join(f"<h{n}>" for n in range(1, 7)) * 50_000,
        "<h1>a</h1>" * 20_000,
    ],
)
def test_hostile_html_is_processed_in_linear_time(raw: str) -> None:
    # CPU time, not the wall clock: a loaded machine delays the test, it does not slow the code.
    started = time.process_time()
    shift_headings(raw)
    assert time.process_time() - started < 1.0


def test_element_ids_reads_sanitised_html() -> None:
    html = '<h2 id="a">A</h2><li id="fn-1">x</li><p title="id=&quot;no&quot;">'
    assert element_ids(html) == {"a", "fn-1"}
