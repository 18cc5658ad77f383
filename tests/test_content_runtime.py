"""The content index inside the app: auto-reload in development, last good index kept."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from portal.content_runtime import EXTENSION_KEY, ContentStore
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def app_config(app_config: dict[str, Any], content_dir: Path) -> dict[str, Any]:
    return {**app_config, "CONTENT_DIR": str(content_dir), "CONTENT_AUTO_RELOAD": True}


@pytest.fixture(autouse=True)
def check_every_request(monkeypatch) -> None:
    monkeypatch.setattr(ContentStore, "RELOAD_CHECK_SECONDS", 0.0)


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_an_edited_file_is_served_without_a_restart(app, login, partner_user, content_dir) -> None:
    client = login(partner_user)
    assert "First come, first served." in client.get("/program/rules").get_data(as_text=True)
    version = client.get("/healthz").get_json()["content_version"]

    _edit(content_dir / "pages" / "rules.md", "First come, first served.", "Earliest wins.")
    assert "Earliest wins." in client.get("/program/rules").get_data(as_text=True)
    assert client.get("/healthz").get_json()["content_version"] != version


def test_broken_content_keeps_the_last_good_index(
    app, login, partner_user, content_dir, caplog
) -> None:
    client = login(partner_user)
    _edit(content_dir / "pages" / "rules.md", "title: Rules of engagement", "titel: Oops")
    with caplog.at_level(logging.ERROR):
        response = client.get("/program/rules")
    assert response.status_code == 200
    assert "Rules of engagement" in response.get_data(as_text=True)
    assert "pages/rules.md:2" in caplog.text


def test_render_all_fills_every_cache(app) -> None:
    index = app.extensions[EXTENSION_KEY].index
    index.render_all()
    module = index.paths["basics"].module("qualifying")
    assert "html" in vars(module)  # cached: requests no longer render Markdown
