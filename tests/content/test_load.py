"""The fixture content loads into the expected, immutable index."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from portal.content import ContentIndex, content_fingerprint, files, load_content
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy


def test_program(index: ContentIndex) -> None:
    program = index.program
    assert (program.name, program.vendor, program.currency) == (
        "Testwind Partner Program",
        "Testwind",
        "USD",
    )
    assert [t.id for t in program.partner_types] == ["referral", "reseller", "alliance"]
    assert [(t.id, t.rank) for t in program.tiers] == [
        ("registered", 0),
        ("silver", 1),
        ("gold", 2),
    ]
    assert program.tier("silver").requirements == ("One certified person", "Two referrals a year")
    assert (program.first_response_hours, program.stale_after_days) == (48, 14)
    assert program.protection_days == 90
    assert program.pipeline_stages[-2:] == ("won", "lost")
    assert program.regions == ("North America", "Europe")
    assert program.commission_hold_days == 60
    rules = {(r.partner_type, r.involvement): r for r in program.commission_rules}
    assert rules["referral", "sourced"].rate_percent == "10"
    assert rules["referral", "sourced"].cap_minor == 2_000_000
    assert rules["referral", "influenced"].cap_minor is None
    assert rules["reseller", "sourced"].rate_percent == "20"


def test_pages_ordered_and_rendered(index: ContentIndex) -> None:
    assert list(index.pages) == [
        "guide",
        "rules",
        "agreement",
        "qbr-guide",
    ]  # qbr-guide: staff-only
    guide = index.pages["guide"]
    assert guide.title == "Program guide"
    assert guide.order == 1
    assert guide.source == "pages/guide.md"
    assert '<a href="/learn/basics">the basics</a>' in guide.html
    assert "rel=" not in guide.html  # internal links keep their referrer


def test_checklists(index: ContentIndex) -> None:
    assert list(index.checklists) == ["referral", "reseller", "alliance"]
    checklist = index.checklists["referral"]
    assert [s.id for s in checklist.steps] == [
        "accept-agreement",
        "get-certified",
        "download-kit",
        "first-referral",
        "kickoff-call",
    ]
    agreement = checklist.step("accept-agreement")
    assert agreement.kind == "acknowledge"
    assert agreement.required is True
    assert agreement.link == "/program/rules"
    assert '<a href="/program/rules">rules</a>' in agreement.description_html
    assert checklist.step("get-certified").path == "basics"
    assert checklist.step("download-kit").required is False
    assert checklist.intro_html == "<p>Finish these steps to activate your partnership.</p>"


def test_paths_and_modules(index: ContentIndex) -> None:
    assert sorted(index.paths) == ["advanced", "basics"]
    basics = index.paths["basics"]
    assert basics.certificate == "Certified Basics Partner"
    assert basics.valid_days == 365
    assert basics.audience == ()
    assert [(m.id, m.position) for m in basics.modules] == [
        ("welcome", 1),
        ("qualifying", 2),
        ("handover", 3),
    ]
    assert [m.prerequisites for m in basics.modules] == [(), ("welcome",), ("qualifying",)]
    assert basics.module("welcome").quiz is None
    assert basics.module("welcome").minutes == 3
    # Lesson headings start at h2: the page title is the page's only h1.
    assert '<h2 id="welcome">Welcome</h2>' in basics.module("welcome").html
    advanced = index.paths["advanced"]
    assert advanced.audience == ("reseller",)
    assert advanced.valid_days is None
    assert [p.id for p in index.paths_for("referral")] == ["basics"]
    assert {p.id for p in index.paths_for("reseller")} == {"advanced", "basics"}


def test_quiz_building(index: ContentIndex) -> None:
    quiz = index.paths["basics"].module("qualifying").quiz
    assert (quiz.pass_mark, quiz.max_attempts, quiz.cooldown_hours) == (75, 2, 24)
    assert (quiz.shuffle, quiz.draw) == (False, None)
    assert [q.id for q in quiz.questions] == ["budget", "signals", "handover", "intro"]
    budget = quiz.question("budget")
    assert [c.key for c in budget.choices] == [
        "a-named-budget-owner",
        "a-downloaded-e-book",
        "a-conference-badge-scan",
    ]
    assert budget.correct_keys == {"a-named-budget-owner"}
    assert budget.choice("a-downloaded-e-book").explain == "Interest, not need."
    assert quiz.question("signals").correct_keys == {"a-deadline", "a-budget"}
    handover = quiz.question("handover")
    assert [(c.key, c.text, c.correct) for c in handover.choices] == [
        ("c1", "True", False),
        ("c2", "False", True),
    ]
    assert len(quiz.version) == 16
    handing = index.paths["basics"].module("handover").quiz
    assert (handing.shuffle, handing.draw, handing.cooldown_hours) == (True, 2, 24)
    assert handing.version != quiz.version


def test_index_is_immutable(index: ContentIndex) -> None:
    assert isinstance(index.pages, MappingProxyType)
    assert isinstance(index.paths, MappingProxyType)
    assert isinstance(index.checklists, MappingProxyType)
    assert isinstance(index.paths["basics"].modules, tuple)
    with pytest.raises(TypeError):
        index.pages["new"] = index.pages["guide"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.program.name = "x"  # type: ignore[misc]


def test_version_is_stable_and_tracks_edits(content: ContentCopy) -> None:
    first = load_content(content.root)
    assert (
        first.version == load_content(content.root).version == load_content(FIXTURE_CONTENT).version
    )
    content.replace("pages/rules.md", "First come", "First registered")
    edited = load_content(content.root)
    assert edited.version != first.version
    assert edited.paths["basics"].module("qualifying").quiz.version == (
        first.paths["basics"].module("qualifying").quiz.version
    )


def test_quiz_version_changes_with_the_quiz(content: ContentCopy) -> None:
    before = load_content(content.root).paths["basics"].module("qualifying").quiz.version
    content.replace("learning/basics/02-qualifying.md", "pass_mark: 75", "pass_mark: 80")
    after = load_content(content.root).paths["basics"].module("qualifying").quiz.version
    assert before != after


def test_fingerprint_changes_on_edit(content: ContentCopy) -> None:
    first = content_fingerprint(content.root)
    assert first == content_fingerprint(content.root)
    content.write("pages/rules.md", content.read("pages/rules.md") + "\nMore.\n")
    assert content_fingerprint(content.root) != first
    second = content_fingerprint(content.root)
    content.write("pages/new-page.md", "---\ntitle: New\n---\n")
    assert content_fingerprint(content.root) != second


def test_fingerprint_of_missing_directory(tmp_path: Path) -> None:
    assert content_fingerprint(tmp_path / "nope") == "missing"


def test_files_other_features_own_are_ignored(content: ContentCopy) -> None:
    content.write("README.md", "# Notes\n")
    assert list(load_content(content.root).pages) == ["guide", "rules", "agreement", "qbr-guide"]


def test_pages_order_by_order_then_title(content: ContentCopy) -> None:
    content.write("pages/zeta.md", "---\ntitle: Alpha\n---\n")
    content.write("pages/alpha.md", "---\ntitle: Zeta\n---\n")
    content.write("pages/first.md", "---\ntitle: Zulu\norder: 0\n---\n")
    assert list(load_content(content.root).pages) == [
        "first",
        "guide",
        "rules",
        "agreement",
        "zeta",
        "qbr-guide",
        "alpha",
    ]


def test_explicit_prerequisites(content: ContentCopy) -> None:
    content.replace(
        "learning/basics/03-handover.md", "summary: A clean handover.", "prerequisites: [welcome]"
    )
    content.replace("learning/basics/02-qualifying.md", "minutes: 8", "prerequisites: []")
    modules = load_content(content.root).paths["basics"].modules
    assert [m.prerequisites for m in modules] == [(), (), ("welcome",)]


@pytest.mark.parametrize(
    ("currency", "cap_minor"), [("USD", 2_000_000), ("JPY", 20_000), ("BHD", 20_000_000)]
)
def test_commission_caps_use_the_currency_minor_unit(
    content, currency: str, cap_minor: int
) -> None:
    content.replace("program.yml", "currency: USD", f"currency: {currency}")
    program = load_content(content.root).program
    capped = next(r for r in program.commission_rules if r.cap_minor is not None)
    assert capped.cap_minor == cap_minor  # cap: 20000 whole units in program.yml


LOOP = "cannot read the file: Too many levels of symbolic links"


def test_a_symlink_loop_is_reported_not_raised(content: ContentCopy) -> None:
    (content.root / "a").symlink_to("b")
    (content.root / "b").symlink_to("a")
    (content.root / "pages/loop.md").symlink_to("loop.md")
    assert content.problems() == [f"a:1: {LOOP}", f"b:1: {LOOP}", f"pages/loop.md:1: {LOOP}"]


def test_fingerprint_survives_a_symlink_loop(content: ContentCopy) -> None:
    clean = content_fingerprint(content.root)
    (content.root / "pages/a.md").symlink_to("b.md")
    (content.root / "pages/b.md").symlink_to("a.md")
    looped = content_fingerprint(content.root)
    assert looped == content_fingerprint(content.root) != clean
    (content.root / "pages/b.md").unlink()  # a.md now dangles: no longer a file at all
    assert content_fingerprint(content.root) == clean


def test_a_text_content_file_over_the_cap_is_not_parsed(content: ContentCopy) -> None:
    size = files.MAX_TEXT_BYTES + 1
    content.write("pages/huge.md", "---\ntitle: Huge\n---\n" + "x" * (size - 20))
    assert (content.root / "pages/huge.md").stat().st_size == size
    assert content.problems() == [
        f"pages/huge.md:1: the file is too large: {size:,} bytes "
        "(a text content file may be at most 2 MB)"
    ]


def test_a_text_content_file_at_the_cap_loads(content: ContentCopy) -> None:
    body = "word " * ((files.MAX_TEXT_BYTES - 20) // 5)
    text = "---\ntitle: Big\n---\n" + body
    content.write("pages/big.md", text + "x" * (files.MAX_TEXT_BYTES - len(text)))
    assert (content.root / "pages/big.md").stat().st_size == files.MAX_TEXT_BYTES
    assert load_content(content.root).pages["big"].title == "Big"


def test_large_files_the_engine_does_not_parse_count_towards_the_version(
    content: ContentCopy,
) -> None:
    before = load_content(content.root).version
    (content.root / "media").mkdir()
    (content.root / "media/intro.mp4").write_bytes(b"\x00" * (3 * files.CHUNK_BYTES + 5))
    with_video = load_content(content.root).version  # not parsed, so not capped
    assert with_video != before
    (content.root / "media/intro.mp4").write_bytes(b"\x00" * (3 * files.CHUNK_BYTES + 4) + b"!")
    assert load_content(content.root).version != with_video
