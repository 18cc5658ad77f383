"""Who sees which playbook, and the library grouped by kind and tag (no request, no database)."""

from __future__ import annotations

import pytest

from portal.accounts.models import Organization, Role, User
from portal.content import load_content
from portal.content.model import ContentIndex
from portal.playbooks.service import (
    library,
    playbook_for,
    related_for,
    visible_playbooks,
)
from tests.conftest import FIXTURE_CONTENT
from tests.playbooks.factories import sample_playbooks, with_playbooks


@pytest.fixture(scope="module")
def index() -> ContentIndex:
    return with_playbooks(load_content(FIXTURE_CONTENT), sample_playbooks())


def partner(partner_type: str = "referral", tier: str = "registered") -> User:
    org = Organization(name="Acme", partner_type=partner_type, tier=tier)
    return User(email="p@acme.example", role=Role.PARTNER_USER, organization=org)


def keys(playbooks) -> list[str]:
    return [p.key for p in playbooks]


EVERYONE_SEES = [
    "talk-tracks/first-call",
    "battle-cards/vs-spreadsheets",
    "objections/too-expensive",
    "use-cases/saas-forecasting",
]


def test_a_referral_partner_sees_only_items_for_everyone(index):
    assert keys(visible_playbooks(partner(), index)) == EVERYONE_SEES


def test_a_reseller_also_sees_reseller_items(index):
    assert "use-cases/reseller-margin" in keys(visible_playbooks(partner("reseller"), index))


def test_the_minimum_tier_is_a_rank(index):
    assert "talk-tracks/gold-exec" not in keys(visible_playbooks(partner(tier="silver"), index))
    gold = keys(visible_playbooks(partner(tier="gold"), index))
    assert gold[:2] == ["talk-tracks/gold-exec", "talk-tracks/first-call"]  # by title


def test_a_tier_no_longer_in_the_program_counts_as_the_entry_tier(index):
    assert keys(visible_playbooks(partner(tier="platinum-retired"), index)) == EVERYONE_SEES


def test_staff_and_a_partner_without_organisation_see_nothing(index):
    staff = User(email="s@vendor.example", role=Role.STAFF)
    assert visible_playbooks(staff, index) == []  # partner material: staff pages never serve it
    orphan = User(email="o@example.com", role=Role.PARTNER_USER)
    assert visible_playbooks(orphan, index) == []
    assert playbook_for(orphan, index, "talk-tracks", "first-call") is None


def test_playbook_for_hides_what_the_partner_may_not_see(index):
    referral, reseller = partner(), partner("reseller")
    assert playbook_for(referral, index, "use-cases", "reseller-margin") is None
    assert playbook_for(reseller, index, "use-cases", "reseller-margin").title
    assert playbook_for(referral, index, "use-cases", "no-such-case") is None
    assert playbook_for(referral, index, "talk-tracks", "too-expensive") is None  # wrong kind


def test_related_items_are_only_the_visible_ones_in_their_order(index):
    first_call = index.playbooks["talk-tracks/first-call"]
    assert keys(related_for(partner(), index, first_call)) == [
        "objections/too-expensive",
        "battle-cards/vs-spreadsheets",
    ]
    assert keys(related_for(partner("reseller"), index, first_call)) == [
        "objections/too-expensive",
        "use-cases/reseller-margin",
        "battle-cards/vs-spreadsheets",
    ]


def test_the_library_groups_by_kind_in_order_with_human_names(index):
    shown = library(partner(), index)
    assert [(g.kind, g.name) for g in shown.groups] == [
        ("talk-tracks", "Talk tracks"),
        ("battle-cards", "Battle cards"),
        ("objections", "Objection handling"),
        ("use-cases", "Use cases"),
    ]
    assert [(k.name, k.count) for k in shown.kinds] == [
        ("Talk tracks", 1),
        ("Battle cards", 1),
        ("Objection handling", 1),
        ("Use cases", 1),
    ]
    assert [(t.tag, t.count) for t in shown.tags] == [
        ("competition", 1),
        ("discovery", 1),
        ("pricing", 1),
        ("revops", 2),
    ]
    assert shown.total == shown.all_count == 4
    assert shown.problems == ()


def test_the_kind_filter_keeps_every_tab_and_counts_tags_within_the_kind(index):
    shown = library(partner("reseller"), index, kind="use-cases")
    assert shown.kind == "use-cases" and shown.kind_name == "Use cases"
    assert [g.kind for g in shown.groups] == ["use-cases"]
    assert len(shown.kinds) == 4
    assert [(t.tag, t.count) for t in shown.tags] == [("margin", 1), ("revops", 2)]


def test_the_tag_filter_counts_kinds_within_the_tag(index):
    shown = library(partner(), index, tag="revops")
    assert keys(p for g in shown.groups for p in g.items) == [
        "talk-tracks/first-call",
        "use-cases/saas-forecasting",
    ]
    assert [k.count for k in shown.kinds] == [1, 0, 0, 1]
    assert shown.all_count == 2


def test_a_kind_and_a_tag_with_nothing_in_common_show_nothing(index):
    shown = library(partner(), index, kind="battle-cards", tag="revops")
    assert shown.groups == () and shown.total == 0 and shown.problems == ()


@pytest.mark.parametrize(
    ("kind", "tag", "message"),
    [
        ("webinars", None, "There is no kind of playbook called “webinars”"),
        (None, "nonsense", "No playbook is tagged “nonsense”"),
        # A tag only hidden items carry is as unknown as one nobody uses.
        (None, "margin", "No playbook is tagged “margin”"),
    ],
)
def test_an_unknown_filter_is_ignored_with_a_message(index, kind, tag, message):
    shown = library(partner(), index, kind=kind, tag=tag)
    assert len(shown.problems) == 1 and shown.problems[0].startswith(message)
    assert shown.kind is None and shown.tag is None and shown.total == 4


def test_filters_are_trimmed_and_bounded(index):
    assert library(partner(), index, kind=" objections ").kind == "objections"
    assert library(partner(), index, tag="  ").problems == ()
    long = library(partner(), index, tag="x" * 5000)
    assert len(long.problems[0]) < 200
