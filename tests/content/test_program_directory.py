"""program.yml `directory`: the directory's terms, read into the Program, mistakes at their line."""

from __future__ import annotations

from portal.content import load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only


def test_the_terms_are_read_in_order() -> None:
    directory = load_content(FIXTURE_CONTENT).program.directory
    assert [t.id for t in directory.industries] == ["manufacturing", "healthcare"]
    assert [t.name for t in directory.services] == ["Implementation", "Training"]
    assert [t.id for t in directory.languages] == ["en", "de"]
    assert [(c.id, c.name, c.region) for c in directory.countries][1] == (
        "de",
        "Germany",
        "Europe",
    )


def test_without_the_section_there_are_no_terms(content: ContentCopy) -> None:
    text = content.read("program.yml")
    content.write("program.yml", text[: text.index("directory:")])
    directory = load_content(content.root).program.directory
    assert directory.industries == () and directory.countries == ()


def test_a_country_outside_the_regions_is_named_at_its_line(content: ContentCopy) -> None:
    content.replace(
        "program.yml",
        "{id: fr, name: France, region: Europe}",
        "{id: fr, name: France, region: Atlantis}",
    )
    problem = only(content.problems())
    assert problem.startswith("program.yml:117: region 'Atlantis' of country 'fr'")
    assert "North America, Europe" in problem


def test_a_duplicate_id_is_named_with_its_first_line(content: ContentCopy) -> None:
    content.replace(
        "program.yml", "{id: healthcare, name: Healthcare}", "{id: manufacturing, name: Health}"
    )
    problem = only(content.problems())
    assert problem.startswith("program.yml:107: duplicate 'directory.industries' id")
    assert "first used on line 106" in problem


def test_an_id_must_be_a_slug_and_keys_are_checked(content: ContentCopy) -> None:
    content.replace("program.yml", "{id: en, name: English}", "{id: EN, name: English}")
    content.replace("program.yml", "  services:", "  service:")
    problems = content.problems()
    assert any(p.startswith("program.yml:108: unknown key 'service'") for p in problems)
    assert any(p.startswith("program.yml:112: 'id'") and "slug" in p for p in problems)
