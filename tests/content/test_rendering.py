"""Markdown is rendered at load: the index carries sanitised HTML, each text rendered once."""

from __future__ import annotations

import re
from collections.abc import Collection

import pytest

from portal.content import ContentError, ContentIndex, load_content
from portal.content.markdown import MarkdownRenderer
from portal.content.rendering import forget_rendered_html
from tests.content.conftest import ContentCopy

RULES = "pages/rules.md"


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the renderer is given from now on, starting with nothing remembered."""
    forget_rendered_html()
    calls: list[str] = []
    render = MarkdownRenderer.render

    def counting(self: MarkdownRenderer, text: str, *reserved: Collection[str]) -> str:
        calls.append(text)
        return render(self, text, *reserved)

    monkeypatch.setattr(MarkdownRenderer, "render", counting)
    return calls


def test_every_document_carries_its_html(index: ContentIndex) -> None:
    assert index.pages["rules"].html == (
        '<p>First come, first served. See the <a href="/program/guide">guide</a>.</p>'
    )
    checklist = index.checklists["referral"]
    assert checklist.intro_html == "<p>Finish these steps to activate your partnership.</p>"
    agreement = checklist.step("accept-agreement")
    assert agreement is not None and 'href="/program/rules"' in agreement.description_html
    basics = index.paths["basics"]
    assert basics.intro_html == "<p>Three short modules.</p>"
    assert all(module.html.startswith("<h2 ") for module in basics.modules)
    assert '<h2 id="running-the-webinar">' in index.kits["webinar-in-a-box"].html
    playbook = index.playbooks["battle-cards/spreadsheets"]
    assert playbook.html.startswith("<p>Spreadsheets are free")


def test_a_load_renders_each_text_once(content: ContentCopy, renders: list[str]) -> None:
    index = load_content(content.root)
    assert index.pages["guide"].body in renders
    assert len(renders) == len(set(renders))


def test_a_reload_renders_only_what_changed(content: ContentCopy, renders: list[str]) -> None:
    first = load_content(content.root)
    renders.clear()
    content.replace(RULES, "First come, first served.", "Earliest *wins*.")
    second = load_content(content.root)
    assert renders == [second.pages["rules"].body]
    assert "Earliest <em>wins</em>." in second.pages["rules"].html
    assert second.pages["guide"].html == first.pages["guide"].html
    assert second.paths["basics"].modules == first.paths["basics"].modules


def test_broken_content_renders_nothing(content: ContentCopy, renders: list[str]) -> None:
    content.replace(RULES, "title: Rules of engagement", "titel: Oops")
    with pytest.raises(ContentError):
        load_content(content.root)
    assert renders == []


def test_the_onboarding_page_never_repeats_an_id(content: ContentCopy) -> None:
    checklist = "onboarding/referral.md"
    content.replace(checklist, "Finish these steps", "## Details\n\nFinish these steps")
    content.replace(
        checklist,
        "    description: Read the [rules](/program/rules) and accept them.",
        "    description: |\n      ## Details\n\n      Read the [rules](/program/rules).",
    )
    content.replace(
        checklist,
        "    title: Earn the Basics certificate",
        "    title: Earn the Basics certificate\n"
        "    description: |\n      ## Details\n\n      ## Step accept-agreement",
    )
    referral = load_content(content.root).checklists["referral"]
    html = referral.intro_html + "".join(step.description_html for step in referral.steps)
    assert re.findall(r'id="([^"]*)"', html) == [
        "details",
        "details-1",
        "details-2",
        "step-accept-agreement-1",  # step-accept-agreement is the step itself
    ]
