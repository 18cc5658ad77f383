"""Links to part of a page (`/program/guide#budget`, `#budget`) must reach an id on that page."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import ContentCopy, only

RULES = "pages/rules.md"
GUIDE = "pages/guide.md"


def _page(content: ContentCopy, rel: str, body: str) -> None:
    content.write(rel, f"---\ntitle: {rel}\nsummary: A page.\n---\n{body}")


def test_a_link_to_a_heading_on_another_page_resolves(content: ContentCopy) -> None:
    _page(content, GUIDE, "## Deal registration\n\nRegister deals early.\n")
    _page(content, RULES, "See [registration](/program/guide#deal-registration).\n")
    assert load_content(content.root).pages["rules"].html == (
        '<p>See <a href="/program/guide#deal-registration">registration</a>.</p>'
    )


def test_an_old_section_anchor_is_reported_with_the_new_one(content: ContentCopy) -> None:
    _page(content, GUIDE, "## Deal registration\n\n## Payouts\n")
    _page(content, RULES, "Intro.\n\nSee [it](/program/guide#section-deal-registration).\n")
    assert only(content.problems()) == (
        "pages/rules.md:7: broken link /program/guide#section-deal-registration: that page has "
        "no heading or other anchor 'section-deal-registration' (headings now have GitHub's "
        "ids: use #deal-registration); its anchors: deal-registration, payouts"
    )


def test_a_link_within_the_page_must_reach_a_heading(content: ContentCopy) -> None:
    _page(content, RULES, "[Budget](#budget) and [nowhere](#nowhere).\n\n## Budget\n")
    problem = only(content.problems())
    assert problem.startswith("pages/rules.md:5: broken link #nowhere: that page has no heading")


def test_plain_text_that_only_looks_like_an_anchor_is_not_a_link(content: ContentCopy) -> None:
    _page(content, RULES, "Fixed in (#42) and in 'issue #7'.\n")
    assert "(#42)" in load_content(content.root).pages["rules"].html


def test_a_percent_encoded_anchor_matches_the_heading(content: ContentCopy) -> None:
    _page(content, RULES, "## Café au lait\n\n[Up](#caf%C3%A9-au-lait)\n")
    load_content(content.root)


def test_a_footnote_is_an_anchor_too(content: ContentCopy) -> None:
    _page(content, RULES, "A claim.[^1] [Sources](#fn-1)\n\n[^1]: A source.\n")
    load_content(content.root)


def test_the_page_offers_its_quiz_and_onboarding_steps(content: ContentCopy) -> None:
    _page(
        content,
        RULES,
        "[Quiz](/learn/basics/qualifying#quiz), [step](/onboarding#step-accept-agreement), "
        "[files](/kits/webinar-in-a-box#kit-files), [top](/program/guide#main)\n",
    )
    load_content(content.root)


def test_a_module_without_a_quiz_has_no_quiz_anchor(content: ContentCopy) -> None:
    _page(content, RULES, "[Quiz](/learn/basics/welcome#quiz)\n")
    problem = only(content.problems())
    assert "broken link /learn/basics/welcome#quiz: that page has no heading" in problem
    assert problem.endswith("its anchors: welcome")


def test_a_step_link_to_a_missing_heading_is_reported(content: ContentCopy) -> None:
    content.replace("onboarding/referral.md", "link: /program/rules", "link: /program/rules#x")
    problem = only(content.problems())
    assert problem.startswith("onboarding/referral.md:8: broken link /program/rules#x:")


def test_anchors_on_the_portals_own_pages_are_not_content(content: ContentCopy) -> None:
    _page(content, RULES, "[Your referrals](/referrals#referral-list)\n")
    load_content(content.root)
