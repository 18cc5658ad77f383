"""Links never lead a reader to a page their partner type or tier cannot open."""

from __future__ import annotations

import pytest

from portal.content import load_content
from portal.content.library import Audience
from portal.content.reach import covers
from tests.content.conftest import ContentCopy

ALL = frozenset({"referral", "reseller", "alliance"})


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        (Audience(), Audience(), True),
        (Audience(partner_types=("referral", "reseller", "alliance")), Audience(), True),
        (Audience(partner_types=("reseller",)), Audience(), False),
        (Audience(partner_types=("reseller",)), Audience(partner_types=("reseller",)), True),
        (Audience(partner_types=("reseller",)), Audience(partner_types=("alliance",)), False),
        (Audience(min_tier_rank=1), Audience(), False),
        (Audience(min_tier_rank=1), Audience(min_tier_rank=2), True),
        (Audience(), Audience(partner_types=("reseller",), min_tier_rank=1), True),
    ],
)
def test_covers(target: Audience, source: Audience, expected: bool) -> None:
    assert covers(target, source, ALL) is expected


def test_a_page_for_everyone_may_not_link_to_a_reseller_kit(content: ContentCopy) -> None:
    content.write(
        "pages/more.md", "---\ntitle: More\n---\nSee [prices](/kits/reseller-pricing-sheet).\n"
    )
    [problem] = content.problems()
    assert problem.startswith(
        "pages/more.md:4: link /kits/reseller-pricing-sheet: kit 'reseller-pricing-sheet' is for "
        "Reseller from tier silver, but this file is read by every partner type"
    )


def test_a_narrow_item_may_link_to_an_item_as_narrow(content: ContentCopy) -> None:
    """The reseller-only use case may link to the reseller-only playbook it names."""
    text = content.read("playbooks/use-cases/saas-forecasting.md")
    content.write(
        "playbooks/use-cases/saas-forecasting.md",
        text + "\nSee the [talk track](/playbooks/talk-tracks/discovery-call).\n",
    )
    load_content(content.root)  # no problem: everyone may open the talk track


def test_a_tier_gap_is_reported(content: ContentCopy) -> None:
    text = content.read("playbooks/use-cases/saas-forecasting.md")
    content.write(
        "playbooks/use-cases/saas-forecasting.md",
        text + "\nUse the [price sheet](/kits/reseller-pricing-sheet).\n",
    )
    [problem] = content.problems()
    assert "kit 'reseller-pricing-sheet' is for Reseller from tier silver" in problem
    assert "this file is read by Reseller;" in problem
