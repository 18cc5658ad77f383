"""`flask content check` and the refusal to start on invalid content."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from portal import create_app
from portal.content_cli import content_cli
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy


def test_check_good_content_prints_a_summary() -> None:
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("content ok: 4 pages, 3 checklists, 2 learning paths, 4 modules")


def test_check_broken_content_prints_every_error(content: ContentCopy) -> None:
    content.replace("learning/basics/02-qualifying.md", "pass_mark: 75", "pass_mark: 175")
    content.replace("onboarding/referral.md", "kind: staff", "kind: phone")
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(content.root)])
    assert result.exit_code == 1
    assert "learning/basics/02-qualifying.md:6: 'pass_mark' in quiz must be between 1 and 100" in (
        result.output
    )
    assert "onboarding/referral.md:22: unknown step kind 'phone'" in result.output
    assert "2 error(s) in" in result.output


def test_create_app_refuses_invalid_content(content: ContentCopy) -> None:
    content.replace("onboarding/referral.md", "path: basics", "path: nowhere")
    with pytest.raises(SystemExit) as caught:
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "CONTENT_DIR": str(content.root),
            }
        )
    message = str(caught.value.code)
    assert "the portal will not start" in message
    assert "onboarding/referral.md:11: step names unknown learning path 'nowhere'" in message
