"""The demo kits' files are what tools/build_demo_kit_files.py builds, byte for byte, and every
demo kit ships files, each with a preview the kit page can show."""

from __future__ import annotations

from pathlib import Path

from portal.content import load_content
from tools import build_demo_kit_files

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_the_committed_files_are_what_the_script_builds(tmp_path: Path) -> None:
    written = build_demo_kit_files.build(tmp_path)
    assert written, "the script built nothing"
    stale = [
        str(path.relative_to(tmp_path))
        for path in written
        if (CONTENT / path.relative_to(tmp_path)).read_bytes() != path.read_bytes()
    ]
    assert stale == [], "run `make demo-kit-files` and commit the result"


def test_a_second_build_gives_the_same_bytes(tmp_path: Path) -> None:
    first = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in build_demo_kit_files.build(tmp_path / "a")
    }
    second = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in build_demo_kit_files.build(tmp_path / "b")
    }
    assert first == second


def test_every_demo_kit_ships_small_files_with_previews() -> None:
    index = load_content(CONTENT)
    assert index.kits
    for kit in index.kits.values():
        assert kit.files, f"{kit.id} ships no files"
        for file in kit.files:
            assert file.preview, f"{kit.id}/{file.name} has no preview"
            assert file.size < 64 * 1024, f"{kit.id}/{file.name} is {file.size} bytes"
    kinds = {file.media_type for kit in index.kits.values() for file in kit.files}
    assert {"application/pdf", "image/png", "text/html", "text/calendar"} <= kinds
