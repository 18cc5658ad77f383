"""Fixtures for the content engine tests: a writable copy of the fixture content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.content import ContentError, ContentIndex, load_content

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"


class ContentCopy:
    """A copy of tests/fixtures/content that a test can break one piece at a time."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def replace(self, rel: str, old: str, new: str) -> None:
        """Replace exactly one occurrence of `old` in `rel` (fails loudly if it is not there)."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def problems(self) -> list[str]:
        """Every problem as `path:line: message`; fails when the content loads."""
        with pytest.raises(ContentError) as caught:
            load_content(self.root)
        return [str(p) for p in caught.value.problems]


@pytest.fixture
def content(tmp_path: Path) -> ContentCopy:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return ContentCopy(root)


def only(problems: list[str]) -> str:
    """The one problem in `problems` (fails, listing them, when there is not exactly one)."""
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture(scope="module")
def index() -> ContentIndex:
    """The fixture content, loaded once per module."""
    return load_content(FIXTURE_CONTENT)
