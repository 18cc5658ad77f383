"""Kits: the fixture kits load with their files and templates; every error is `path:line: ...`."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path
from types import MappingProxyType

import pytest
from click.testing import CliRunner

from portal.content import ContentIndex, files, load_content
from portal.content.kit_limits import MAX_KIT_FILE_BYTES
from portal.content.library import Audience
from portal.content_cli import content_cli
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only

WEBINAR = "kits/webinar-in-a-box/kit.md"
PRICING = "kits/reseller-pricing-sheet/kit.md"
INVITE = "kits/webinar-in-a-box/templates/invite.md"
LANDING = "kits/reseller-pricing-sheet/templates/landing.md"


# --- loading ----------------------------------------------------------------------------------


def test_kits_load_in_title_order(index: ContentIndex) -> None:
    assert isinstance(index.kits, MappingProxyType)
    assert list(index.kits) == ["webinar-in-a-box", "reseller-pricing-sheet"]
    webinar = index.kits["webinar-in-a-box"]
    assert (webinar.title, webinar.kind, webinar.source) == (
        "Co-selling webinar in a box",
        "webinar",
        WEBINAR,
    )
    assert webinar.summary == "Slides, a banner and an invitation for a joint webinar."
    assert webinar.tags == ("events", "pipeline")
    assert webinar.audience == Audience()
    assert '<h2 id="running-the-webinar">' in webinar.html


def test_kit_files_carry_size_type_and_hash(index: ContentIndex) -> None:
    webinar = index.kits["webinar-in-a-box"]
    assert [f.name for f in webinar.files] == ["slides.pdf", "banner.png"]  # as listed
    for kit_file in webinar.files:
        data = (FIXTURE_CONTENT / kit_file.path).read_bytes()
        assert kit_file.size == len(data)
        assert kit_file.sha256 == hashlib.sha256(data).hexdigest()
        assert kit_file.path == f"kits/webinar-in-a-box/files/{kit_file.name}"
    slides, banner = webinar.files
    assert (slides.title, slides.media_type) == ("Webinar slides (PDF)", "application/pdf")
    assert (banner.title, banner.media_type) == ("Event banner (PNG)", "image/png")
    assert webinar.file("banner.png") is banner
    assert webinar.file("../kit.md") is None


def test_kit_audience_stores_the_tier_rank(index: ContentIndex) -> None:
    pricing = index.kits["reseller-pricing-sheet"]
    assert pricing.audience == Audience(("reseller",), min_tier_rank=1, min_tier="silver")
    assert pricing.audience.admits("reseller", index.program.tier("silver").rank)
    assert not pricing.audience.admits("reseller", index.program.tier("registered").rank)
    assert not pricing.audience.admits("referral", index.program.tier("gold").rank)
    assert [f.name for f in pricing.files] == ["price-sheet.pdf"]


def test_kit_templates(index: ContentIndex) -> None:
    invite = index.kits["webinar-in-a-box"].template("invite")
    assert (invite.title, invite.format, invite.source) == ("Invitation e-mail", "text", INVITE)
    assert invite.body.startswith("Hello,\n")  # blank lines after the front matter trimmed
    assert invite.body.endswith("{{ partner.name }}\n")
    landing = index.kits["reseller-pricing-sheet"].template("landing")
    assert landing.format == "html"
    assert index.kits["reseller-pricing-sheet"].template("nope") is None


def test_format_defaults_to_text(content: ContentCopy) -> None:
    content.replace(INVITE, "format: text\n", "")
    assert load_content(content.root).kits["webinar-in-a-box"].template("invite").format == "text"


def test_a_kit_without_files_or_templates(content: ContentCopy) -> None:
    content.write("kits/bare/kit.md", "---\ntitle: Bare\nkind: social\nsummary: Posts.\n---\n")
    bare = load_content(content.root).kits["bare"]
    assert (bare.files, bare.templates, bare.tags, bare.body) == ((), (), (), "")


def test_binary_kit_files_are_hashed_not_decoded(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/files/banner.png").write_bytes(b"\xff\xfe\x00binary")
    banner = load_content(content.root).kits["webinar-in-a-box"].file("banner.png")
    assert banner.size == 9
    assert banner.sha256 == hashlib.sha256(b"\xff\xfe\x00binary").hexdigest()


def test_a_file_of_a_type_the_portal_does_not_serve_is_refused(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/files/data.zzq").write_bytes(b"x")
    content.replace(
        WEBINAR, "---\n# Running", "  - name: data.zzq\n    title: Data\n---\n# Running"
    )
    problem = only(content.problems())
    assert problem.startswith(
        "kits/webinar-in-a-box/kit.md:11: file 'data.zzq' is of a type the portal does not "
        "serve (.zzq); kit files may be: .csv .doc .docx"
    )


def test_a_kit_file_over_25_mb_is_refused(content: ContentCopy) -> None:
    with open(content.root / "kits/webinar-in-a-box/files/big.zip", "wb") as file:
        file.truncate(MAX_KIT_FILE_BYTES + 1)  # sparse: no 25 MB written
    content.replace(WEBINAR, "---\n# Running", "  - name: big.zip\n    title: All\n---\n# Running")
    assert only(content.problems()) == (
        "kits/webinar-in-a-box/kit.md:11: file 'big.zip' is too large: 26,214,401 bytes "
        "(a kit file may be at most 25 MB)"
    )


def test_a_kit_file_edit_changes_the_version_and_hash(content: ContentCopy) -> None:
    before = load_content(content.root)
    (content.root / "kits/webinar-in-a-box/files/slides.pdf").write_bytes(b"%PDF-1.4 new")
    after = load_content(content.root)
    assert after.version != before.version
    assert (
        after.kits["webinar-in-a-box"].file("slides.pdf").sha256
        != before.kits["webinar-in-a-box"].file("slides.pdf").sha256
    )


def test_load_builds_the_search_index(index: ContentIndex) -> None:
    assert index.search is not None


def test_check_counts_kits_and_playbooks() -> None:
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert ", 4 modules, 2 kits, 5 playbooks (version " in result.output


# --- kit.md -----------------------------------------------------------------------------------


def test_unknown_key(content: ContentCopy) -> None:
    content.replace(WEBINAR, "tags: [events, pipeline]", "tag: [events, pipeline]")
    assert only(content.problems()) == (
        f"{WEBINAR}:5: unknown key 'tag' in kit front matter (did you mean 'tags'? allowed: "
        "audience, files, kind, summary, tags, title)"
    )


def test_missing_required_key(content: ContentCopy) -> None:
    content.replace(WEBINAR, "kind: webinar\n", "")
    assert (
        only(content.problems()) == f"{WEBINAR}:2: missing required key 'kind' in kit front matter"
    )


def test_unknown_kind(content: ContentCopy) -> None:
    content.replace(WEBINAR, "kind: webinar", "kind: podcast")
    assert only(content.problems()) == (
        f"{WEBINAR}:3: unknown kit kind 'podcast' (kinds: webinar, email, landing-page, "
        "case-study, social, one-pager)"
    )


def test_audience_must_be_a_mapping(content: ContentCopy) -> None:
    content.replace(
        PRICING,
        "audience:\n  partner_types: [reseller]\n  min_tier: silver\n",
        "audience: [reseller]\n",
    )
    assert only(content.problems()) == (
        f"{PRICING}:5: 'audience' in kit front matter must be a mapping of keys to values"
    )


def test_audience_unknown_key(content: ContentCopy) -> None:
    content.replace(PRICING, "  min_tier: silver", "  tier: silver")
    assert only(content.problems()).startswith(
        f"{PRICING}:7: unknown key 'tier' in audience (did you mean 'min_tier'?"
    )


def test_audience_unknown_partner_type(content: ContentCopy) -> None:
    content.replace(PRICING, "partner_types: [reseller]", "partner_types: [reseller, distributor]")
    assert only(content.problems()) == (
        f"{PRICING}:6: audience names unknown partner type 'distributor' "
        "(partner types: referral, reseller, alliance)"
    )


def test_audience_partner_type_twice(content: ContentCopy) -> None:
    content.replace(PRICING, "partner_types: [reseller]", "partner_types: [reseller, reseller]")
    assert only(content.problems()) == (
        f"{PRICING}:6: partner type 'reseller' is listed twice in the audience"
    )


def test_audience_unknown_tier(content: ContentCopy) -> None:
    content.replace(PRICING, "min_tier: silver", "min_tier: platinum")
    assert only(content.problems()) == (
        f"{PRICING}:7: unknown tier 'platinum' (tiers: registered, silver, gold)"
    )


def test_tags_must_be_slugs_once(content: ContentCopy) -> None:
    content.replace(WEBINAR, "tags: [events, pipeline]", "tags: [Events, pipeline, pipeline]")
    assert content.problems() == [
        f"{WEBINAR}:5: tag 'Events' must be a lower-case slug (a-z, 0-9, -)",
        f"{WEBINAR}:5: tag 'pipeline' is listed twice",
    ]


def test_files_must_be_a_list(content: ContentCopy) -> None:
    content.replace(
        PRICING,
        "files:\n  - name: price-sheet.pdf\n    title: Price sheet (PDF)\n",
        "files: price-sheet.pdf\n",
    )
    assert content.problems() == [
        f"{PRICING}:9: 'files' in kit front matter must be a list",
        f"{PRICING}:9: files/price-sheet.pdf is not listed under 'files:': add it with a name "
        "and a title",
    ]


def test_listed_file_that_does_not_exist(content: ContentCopy) -> None:
    content.remove("kits/reseller-pricing-sheet/files/price-sheet.pdf")
    assert only(content.problems()) == (
        f"{PRICING}:10: file 'price-sheet.pdf' is listed but there is no "
        "kits/reseller-pricing-sheet/files/price-sheet.pdf"
    )


def test_file_that_is_not_listed(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/files/extra.pdf").write_bytes(b"%PDF")
    assert only(content.problems()) == (
        f"{WEBINAR}:6: files/extra.pdf is not listed under 'files:': add it with a name and a title"
    )


def test_file_entry_keys(content: ContentCopy) -> None:
    content.replace(PRICING, "    title: Price sheet (PDF)", "    label: Price sheet (PDF)")
    assert content.problems() == [
        f"{PRICING}:10: missing required key 'title' in a file entry",
        f"{PRICING}:11: unknown key 'label' in a file entry (allowed: name, title)",
    ]


def test_file_entry_must_be_a_mapping(content: ContentCopy) -> None:
    content.replace(
        PRICING, "  - name: price-sheet.pdf\n    title: Price sheet (PDF)", "  - price-sheet.pdf"
    )
    assert content.problems() == [
        f"{PRICING}:9: files/price-sheet.pdf is not listed under 'files:': add it with a name "
        "and a title",
        f"{PRICING}:10: each item of 'files' must be a mapping of keys to values",
    ]


@pytest.mark.parametrize(
    "name", ["../kit.md", ".htaccess", "sub/file.pdf", "a b.pdf", "/etc/passwd"]
)
def test_unsafe_listed_file_name(content: ContentCopy, name: str) -> None:
    content.replace(PRICING, "(PDF)\n", f"(PDF)\n  - name: '{name}'\n    title: x\n")
    assert only(content.problems()) == (
        f"{PRICING}:12: unsafe file name {name!r}: use letters, digits, '.', '_' and '-' only, "
        "not starting with '.'"
    )


def test_duplicate_listed_file(content: ContentCopy) -> None:
    content.replace(
        PRICING, "---\nShare", "  - name: price-sheet.pdf\n    title: Again\n---\nShare"
    )
    assert only(content.problems()) == (
        f"{PRICING}:12: duplicate file name 'price-sheet.pdf' (first used on line 10)"
    )


def test_unsafe_file_name_on_disk(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/files/my slides.pdf").write_bytes(b"%PDF")
    assert only(content.problems()) == (
        "kits/webinar-in-a-box/files/my slides.pdf:1: unsafe file name 'my slides.pdf': use "
        "letters, digits, '.', '_' and '-' only, not starting with '.'"
    )


def test_no_subfolders_in_files(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/files/more").mkdir()
    (content.root / "kits/webinar-in-a-box/files/more/x.pdf").write_bytes(b"%PDF")
    assert only(content.problems()) == (
        "kits/webinar-in-a-box/files/more/x.pdf:1: unexpected file: files/ holds plain files, "
        "not folders"
    )


def test_broken_link_in_a_kit_body(content: ContentCopy) -> None:
    content.replace(WEBINAR, "(/program/guide)", "(/program/nope)")
    assert only(content.problems()) == (
        f"{WEBINAR}:15: broken link /program/nope: there is no program page 'nope'"
    )


def test_invalid_utf8_in_kit_md(content: ContentCopy) -> None:
    (content.root / "kits/bad/kit.md").parent.mkdir()
    (content.root / "kits/bad/kit.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    assert only(content.problems()) == "kits/bad/kit.md:2: the file is not valid UTF-8 text"


# --- layout -----------------------------------------------------------------------------------


def test_missing_kit_md(content: ContentCopy) -> None:
    content.remove(WEBINAR)
    assert only(content.problems()) == (
        f"{WEBINAR}:1: missing kit.md: every folder in kits/ is a kit and needs one"
    )


def test_templates_are_checked_without_kit_md(content: ContentCopy) -> None:
    content.remove(WEBINAR)
    content.replace(INVITE, "{{ user.name }}", "{{ user.email }}")
    problems = content.problems()
    assert [p.split(": ", 1)[0] for p in problems] == [f"{WEBINAR}:1", f"{INVITE}:10"]


def test_kit_folder_must_be_a_slug(content: ContentCopy) -> None:
    content.write("kits/Launch Kit/kit.md", "---\ntitle: x\n---\n")
    content.write("kits/Launch Kit/templates/a.md", "---\ntitle: x\n---\n")
    assert only(content.problems()) == (
        "kits/Launch Kit/kit.md:1: the kit folder name must be a lower-case slug id "
        "(a-z, 0-9, -): 'Launch Kit'"
    )


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("kits/README.md", "unexpected file: kits/ holds kits/<kit>/kit.md"),
        ("kits/webinar-in-a-box/notes.txt", "unexpected file: kits/ holds kits/<kit>/kit.md"),
        ("kits/webinar-in-a-box/extra/a.md", "unexpected file: kits/ holds kits/<kit>/kit.md"),
        ("kits/webinar-in-a-box/templates/a.txt", "unexpected file: templates/ holds <id>.md"),
        ("kits/webinar-in-a-box/templates/x/a.md", "unexpected file: templates/ holds <id>.md"),
        ("kits/webinar-in-a-box/templates/Intro.md", "the template file name must be a lower"),
    ],
)
def test_unexpected_files(content: ContentCopy, rel: str, message: str) -> None:
    content.write(rel, "---\ntitle: x\n---\n")
    assert only(content.problems()).startswith(f"{rel}:1: {message}")


# --- templates --------------------------------------------------------------------------------


def test_template_problem_at_its_file_line(content: ContentCopy) -> None:
    content.replace(INVITE, "Best regards,", "Best regards, {{ user.email }}")
    assert only(content.problems()).startswith(
        f"{INVITE}:9: 'user.email' is not a template variable (allowed: partner.name, "
    )


def test_every_template_problem_is_reported(content: ContentCopy) -> None:
    content.replace(INVITE, "Hello,", "Hello {{ config }},")
    content.replace(INVITE, "Best regards,", "Best regards, {{ partner.__class__ }}")
    problems = content.problems()
    assert [p.split(": ", 1)[0] for p in problems] == [f"{INVITE}:5", f"{INVITE}:9"]
    assert "unknown variable 'config'" in problems[0]
    assert "'partner.__class__' is refused" in problems[1]


def test_template_syntax_error(content: ContentCopy) -> None:
    content.replace(LANDING, "<p>{{ kit.summary }}</p>", "<p>{{ kit.summary </p>")
    assert only(content.problems()).startswith(f"{LANDING}:6: template syntax error:")


def test_template_error_found_by_rendering(content: ContentCopy) -> None:
    content.replace(LANDING, "<p>{{ kit.summary }}</p>", "<p>{{ kit.summary|wordwrap(0) }}</p>")
    assert only(content.problems()) == (
        f"{LANDING}:6: template error: invalid width 0 (must be > 0)"
    )


def test_template_unknown_format(content: ContentCopy) -> None:
    content.replace(INVITE, "format: text", "format: markdown")
    assert only(content.problems()) == (
        f"{INVITE}:3: unknown template format 'markdown' (formats: text, html)"
    )


def test_template_keys(content: ContentCopy) -> None:
    content.replace(INVITE, "title: Invitation e-mail", "subject: Invitation e-mail")
    assert content.problems() == [
        f"{INVITE}:2: unknown key 'subject' in template front matter (allowed: format, title)",
        f"{INVITE}:2: missing required key 'title' in template front matter",
    ]


def test_template_without_text(content: ContentCopy) -> None:
    content.write(INVITE, "---\ntitle: Empty\n---\n\n")
    assert only(content.problems()) == (
        f"{INVITE}:4: the template has no text after its front matter"
    )


def test_template_without_front_matter(content: ContentCopy) -> None:
    content.write(INVITE, "Hello {{ partner.name }}\n")
    assert only(content.problems()) == (
        f"{INVITE}:1: missing front matter: the file must start with a line '---'"
    )


def test_every_kit_problem_is_collected(content: ContentCopy) -> None:
    content.replace(WEBINAR, "kind: webinar", "kind: podcast")
    content.replace(PRICING, "min_tier: silver", "min_tier: platinum")
    content.replace(INVITE, "{{ user.name }}", "{{ user.password }}")
    content.write("kits/README.md", "notes")
    problems = content.problems()
    assert [p.split(": ", 1)[0] for p in problems] == [
        "kits/README.md:1",
        f"{PRICING}:7",
        f"{WEBINAR}:3",
        f"{INVITE}:10",
    ]


# --- kit files on disk: symlinks and large files ----------------------------------------------

FILES = "kits/webinar-in-a-box/files"
LINKS_OUT = "the file links outside the kit's files folder"


def list_file(content: ContentCopy, name: str) -> None:
    content.replace(WEBINAR, "---\n# Running", f"  - name: {name}\n    title: X\n---\n# Running")


@pytest.mark.parametrize(
    "target",
    [
        "outside",  # a file outside the content directory (e.g. /etc/hostname)
        "kits/reseller-pricing-sheet/files/price-sheet.pdf",  # another kit's file
        WEBINAR,  # the kit's own kit.md, beside files/
    ],
)
def test_a_kit_file_that_links_outside_its_files_folder(
    content: ContentCopy, tmp_path: Path, target: str
) -> None:
    if target == "outside":
        resolved = tmp_path / "secret.txt"
        resolved.write_text("secret\n")
    else:
        resolved = content.root / target
    (content.root / FILES / "host.txt").symlink_to(resolved)
    list_file(content, "host.txt")
    assert only(content.problems()) == (
        f"{FILES}/host.txt:1: {LINKS_OUT} (a symbolic link to a file elsewhere): put the file "
        "itself in the folder"
    )


def test_a_relative_symlink_out_of_the_files_folder(content: ContentCopy) -> None:
    (content.root / FILES / "copy.pdf").symlink_to(
        "../../reseller-pricing-sheet/files/price-sheet.pdf"
    )
    list_file(content, "copy.pdf")
    assert only(content.problems()).startswith(f"{FILES}/copy.pdf:1: {LINKS_OUT}")


def test_a_symlink_within_the_files_folder_is_a_kit_file(content: ContentCopy) -> None:
    (content.root / FILES / "copy.pdf").symlink_to("slides.pdf")
    list_file(content, "copy.pdf")
    webinar = load_content(content.root).kits["webinar-in-a-box"]
    assert webinar.file("copy.pdf").sha256 == webinar.file("slides.pdf").sha256


def test_a_symlink_loop_in_files_is_reported_not_raised(content: ContentCopy) -> None:
    (content.root / FILES / "a.pdf").symlink_to("b.pdf")
    (content.root / FILES / "b.pdf").symlink_to("a.pdf")
    list_file(content, "a.pdf")
    list_file(content, "b.pdf")
    assert content.problems() == [  # and no "listed but there is no ..." on top
        f"{FILES}/a.pdf:1: cannot read the file: Too many levels of symbolic links",
        f"{FILES}/b.pdf:1: cannot read the file: Too many levels of symbolic links",
    ]


def test_a_large_kit_file_is_streamed_not_held_in_memory(content: ContentCopy) -> None:
    data = bytes(range(256)) * (24 * 1024 + 3)  # ~6 MB, not a multiple of the chunk size
    (content.root / FILES / "video.mp4").write_bytes(data)
    list_file(content, "video.mp4")
    tracemalloc.start()
    try:
        index = load_content(content.root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    video = index.kits["webinar-in-a-box"].file("video.mp4")
    assert (video.size, video.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert peak < len(data) // 2, f"peak {peak:,} bytes while loading a {len(data):,}-byte file"


def test_no_read_of_a_kit_file_exceeds_the_chunk(
    content: ContentCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\x00\x01binary" * 500_000  # 4.5 MB
    (content.root / FILES / "video.mp4").write_bytes(data)
    list_file(content, "video.mp4")
    reads: list[int] = []
    real_open = open

    class Recorder:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def fileno(self):
            return self.file.fileno()

        def readinto(self, buffer):
            count = self.file.readinto(buffer)
            reads.append(count)
            return count

        def read(self, *args):
            result = self.file.read(*args)
            reads.append(len(result))
            return result

    def recording_open(path, *args, **kwargs):
        file = real_open(path, *args, **kwargs)
        return Recorder(file) if str(path).endswith("video.mp4") else file

    monkeypatch.setattr(files, "open", recording_open, raising=False)
    video = load_content(content.root).kits["webinar-in-a-box"].file("video.mp4")
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    assert sum(reads) == len(data)
    assert max(reads) <= files.CHUNK_BYTES


# --- previews ---------------------------------------------------------------------------------


def test_a_file_carries_its_preview(index: ContentIndex) -> None:
    kit = index.kits["webinar-in-a-box"]
    assert kit.file("slides.pdf").preview == "kits/webinar-in-a-box/previews/slides.pdf.png"
    assert kit.file("banner.png").preview == ""


def test_a_preview_of_no_listed_file_is_an_error(content: ContentCopy) -> None:
    (content.root / "kits/webinar-in-a-box/previews/gone.pdf.png").write_bytes(b"png")
    problems = content.problems()
    assert len(problems) == 1
    assert problems[0].startswith(f"{WEBINAR}:6: kits/webinar-in-a-box/previews/gone.pdf.png")
    assert "'gone.pdf', which is not listed under 'files:'" in problems[0]


@pytest.mark.parametrize("name", ["slides.pdf.jpg", "notes.txt"])
def test_previews_hold_png_thumbnails_only(content: ContentCopy, name: str) -> None:
    (content.root / f"kits/webinar-in-a-box/previews/{name}").write_bytes(b"x")
    assert content.problems() == [
        f"kits/webinar-in-a-box/previews/{name}:1: "
        "unexpected file: previews/ holds <file name>.png thumbnails only"
    ]
