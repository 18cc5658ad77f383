"""`audience: staff`: the partner team's pages and playbooks, and the links around them."""

from __future__ import annotations

from portal.content import load_content
from portal.content.library import STAFF_ONLY, Audience
from portal.content.reach import covers
from tests.content.conftest import ContentCopy, only

ALL = frozenset({"referral", "reseller", "alliance"})
PAGE = "---\ntitle: More\n---\nSee [the plays]({href}).\n"


def test_staff_only_admits_no_partner_and_covers_only_staff_documents() -> None:
    assert not STAFF_ONLY.admits("referral", 5)
    assert covers(STAFF_ONLY, STAFF_ONLY, ALL)
    assert not covers(STAFF_ONLY, Audience(), ALL)
    assert not covers(Audience(), STAFF_ONLY, ALL)


def test_the_fixture_handbook_loads(content: ContentCopy) -> None:
    index = load_content(content.root)
    assert [p.id for p in index.staff_pages()] == ["qbr-guide"]
    assert "qbr-guide" not in [p.id for p in index.partner_pages()]
    assert index.playbooks["talk-tracks/qualify-partner"].audience.staff_only


def test_a_partner_page_may_not_link_to_a_staff_only_playbook(content: ContentCopy) -> None:
    content.write("pages/more.md", PAGE.format(href="/staff/handbook/talk-tracks/qualify-partner"))
    assert only(content.problems()).startswith(
        "pages/more.md:4: link /staff/handbook/talk-tracks/qualify-partner: playbook "
        "'talk-tracks/qualify-partner' is for the partner team only, but this file is read by "
        "every partner type"
    )


def test_a_partner_page_may_not_link_to_the_handbook(content: ContentCopy) -> None:
    content.write("pages/more.md", PAGE.format(href="/staff/handbook"))
    assert "the handbook is for the partner team only" in only(content.problems())


def test_a_staff_only_page_is_linked_at_its_handbook_address(content: ContentCopy) -> None:
    content.write(
        "pages/more.md",
        "---\ntitle: More\naudience: staff\n---\nSee [the QBR](/program/qbr-guide).\n",
    )
    assert only(content.problems()).endswith(
        "page 'qbr-guide' is for the partner team only; link it as /staff/handbook/pages/qbr-guide"
    )


def test_an_onboarding_step_may_not_link_to_staff_only_content(content: ContentCopy) -> None:
    content.replace(
        "onboarding/referral.md",
        "    link: /program/rules\n",
        "    link: /staff/handbook/pages/qbr-guide\n",
    )
    problem = only(content.problems())
    assert problem.startswith("onboarding/referral.md:8: link /staff/handbook/pages/qbr-guide")
    assert "is for the partner team only" in problem


def test_a_partner_playbook_may_not_relate_to_a_staff_only_one(content: ContentCopy) -> None:
    content.replace(
        "playbooks/talk-tracks/discovery-call.md",
        "related: [objections/too-expensive,",
        "related: [talk-tracks/qualify-partner, objections/too-expensive,",
    )
    assert only(content.problems()).startswith(
        "playbooks/talk-tracks/discovery-call.md:5: related item 'talk-tracks/qualify-partner' "
        "is for the partner team only"
    )


def test_a_page_audience_is_staff_or_nothing(content: ContentCopy) -> None:
    content.write("pages/more.md", "---\ntitle: More\naudience: [reseller]\n---\nText.\n")
    assert "a page's audience can only be 'staff'" in only(content.problems())


def test_a_kit_cannot_be_staff_only(content: ContentCopy) -> None:
    content.replace(
        "kits/webinar-in-a-box/kit.md", "tags: [events", "audience: staff\ntags: [events"
    )
    assert "'audience: staff' is not possible in kit front matter" in only(content.problems())
