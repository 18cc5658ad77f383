"""Program.tier_name and partner_type_name: the one way a page or message names them."""

from __future__ import annotations

from portal.content.model import ContentIndex


def test_a_tier_is_named_by_the_program(index: ContentIndex) -> None:
    assert index.program.tier_name("gold") == index.program.tier("gold").name


def test_a_tier_the_program_no_longer_has_shows_its_id(index: ContentIndex) -> None:
    assert index.program.tier_name("platinum") == "platinum"
    assert index.program.tier_name(None) == ""


def test_a_partner_type_is_named_by_the_program(index: ContentIndex) -> None:
    reseller = index.program.partner_type("reseller")
    assert index.program.partner_type_name("reseller") == reseller.name
    assert index.program.partner_type_name("distributor") == "distributor"
