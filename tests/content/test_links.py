"""Internal links in Markdown bodies and `link:` fields must resolve; external ones are free."""

from __future__ import annotations

import pytest

from portal.content import load_content
from portal.content.links import check_link
from tests.content.conftest import ContentCopy

RULES = "pages/rules.md"
PAGES = {"guide": 1, "rules": 1}
MODULES = {"basics": {"welcome", "qualifying"}}


@pytest.mark.parametrize(
    "href",
    [
        "/program/guide",
        "/learn/basics",
        "/learn/basics/welcome",
        "/learn/basics/welcome#quiz",
        "/referrals/new?source=guide",
        "/",
        "/program",
        "https://example.com/x",
        "mailto:partners@example.com",
        "//cdn.example.com/x",
        "#section",
    ],
)
def test_good_links(href: str) -> None:
    assert check_link(href, PAGES, MODULES) is None


@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("/program/nope", "there is no program page 'nope'"),
        ("/learn/nope", "there is no learning path 'nope'"),
        ("/learn/basics/nope", "there is no module 'nope' in learning path 'basics'"),
        ("/admin/secret", "not a page of the portal"),
        ("/learn/basics/welcome/extra", "not a page of the portal"),
    ],
)
def test_broken_links(href: str, why: str) -> None:
    assert why in check_link(href, PAGES, MODULES)


def test_broken_link_in_a_body_names_its_line(content: ContentCopy) -> None:
    content.write(
        RULES,
        "---\ntitle: Rules\n---\nFirst line.\n\nSee [the guide](/program/guide) and\n"
        "the [missing page](/program/missing).\n",
    )
    assert content.problems() == [
        f"{RULES}:7: broken link /program/missing: there is no program page 'missing'"
    ]


def test_reference_style_links_are_checked(content: ContentCopy) -> None:
    content.write(RULES, "---\ntitle: Rules\n---\nSee [it][ref].\n\n[ref]: /learn/basics/gone\n")
    assert content.problems() == [
        f"{RULES}:6: broken link /learn/basics/gone: there is no module 'gone' in learning path "
        "'basics'"
    ]


def test_links_in_code_are_not_links(content: ContentCopy) -> None:
    content.write(RULES, "---\ntitle: Rules\n---\nType `[x](/program/missing)` literally.\n")
    assert "rules" in load_content(content.root).pages


def test_broken_link_in_a_module(content: ContentCopy) -> None:
    content.replace("learning/basics/03-handover.md", "(/referrals/new)", "(/referral/new)")
    (problem,) = content.problems()
    assert problem.startswith("learning/basics/03-handover.md:30: broken link /referral/new: ")


def test_broken_link_in_a_step_link_field(content: ContentCopy) -> None:
    content.replace("onboarding/referral.md", "link: /program/rules", "link: /program/rulez")
    assert content.problems() == [
        "onboarding/referral.md:8: broken link /program/rulez: there is no program page 'rulez'"
    ]


def test_broken_link_in_a_step_description(content: ContentCopy) -> None:
    content.replace("onboarding/referral.md", "[rules](/program/rules)", "[rules](/learn/rules)")
    assert content.problems() == [
        "onboarding/referral.md:7: broken link /learn/rules: there is no learning path 'rules'"
    ]


def test_links_to_paths_with_problems_do_not_cascade(content: ContentCopy) -> None:
    content.replace("learning/basics/path.md", "certificate: Certified Basics Partner\n", "")
    (problem,) = content.problems()
    assert "missing required key 'certificate'" in problem


def test_plain_text_paths_are_not_links(content: ContentCopy) -> None:
    content.write(RULES, "---\ntitle: Rules\n---\nType /program/missing in the address bar.\n")
    assert "rules" in load_content(content.root).pages


KITS = {"webinar-in-a-box"}
PLAYBOOKS = {"battle-cards/spreadsheets"}


@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("/kits/webinar-in-a-box", None),
        ("/playbooks/battle-cards/spreadsheets", None),
        ("/kits", None),
        ("/playbooks", None),
        ("/kits/nope", "there is no kit 'nope'"),
        ("/playbooks/battle-cards/nope", "there is no playbook 'battle-cards/nope'"),
        ("/playbooks/nope/spreadsheets", "there is no playbook 'nope/spreadsheets'"),
        ("/kits/webinar-in-a-box/files/x.pdf", "not a page of the portal"),
    ],
)
def test_links_to_kits_and_playbooks(href: str, why: str | None) -> None:
    result = check_link(href, PAGES, MODULES, KITS, PLAYBOOKS)
    assert result is None if why is None else why in result


def test_a_broken_kit_link_in_content_is_reported(content) -> None:
    content.write("pages/more.md", "---\ntitle: More\n---\nSee [the kit](/kits/nope).\n")
    problems = content.problems()
    assert "pages/more.md:4: broken link /kits/nope: there is no kit 'nope'" in problems
