"""The content index inside the app: rendered at load, auto-reload in development, last good
index kept, and no request ever renders Markdown or waits for a reload."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from portal.content.markdown import MarkdownRenderer
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


def test_a_broken_edit_shows_on_every_page_in_debug_mode_until_fixed(
    app, login, partner_user, content_dir
) -> None:
    app.debug = True
    client = login(partner_user)
    good = client.get("/healthz").get_json()
    assert good["status"] == "ok" and good["content_newer_edit_failed"] is False
    _edit(content_dir / "pages" / "rules.md", "title: Rules of engagement", "titel: <b>Oops</b>")

    for url in ("/", "/program/rules", "/learn/basics"):
        page = client.get(url).get_data(as_text=True)
        assert "Your latest content edit did not load." in page, url
        assert "<code>pages/rules.md:2</code>" in page, url
    # The editor's text is escaped like any other input.
    assert "<b>Oops</b>" not in page
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "content_version": good["content_version"],  # still the last good content
        "content_newer_edit_failed": True,
        "database": "ok",
    }

    _edit(content_dir / "pages" / "rules.md", "titel: <b>Oops</b>", "title: Rules of engagement")
    assert "did not load" not in client.get("/").get_data(as_text=True)
    fixed = client.get("/healthz").get_json()
    assert fixed["status"] == "ok" and fixed["content_newer_edit_failed"] is False


def test_outside_debug_mode_a_broken_edit_shows_only_as_a_health_flag(
    app, login, partner_user, content_dir
) -> None:
    app.debug = False
    client = login(partner_user)
    _edit(content_dir / "pages" / "rules.md", "title: Rules of engagement", "titel: Oops")
    page = client.get("/program/rules").get_data(as_text=True)
    assert "did not load" not in page and "rules.md" not in page
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["content_newer_edit_failed"] is True
    assert "rules.md" not in str(health)  # no details to the outside world


# One page of each kind that shows rendered Markdown, and a bit of its HTML.
RENDERED_PAGES = [
    ("/program/rules", '<a href="/program/guide">guide</a>'),
    ("/onboarding", '<a href="/program/rules">rules</a>'),
    ("/learn/basics", "<p>Three short modules.</p>"),
    ("/learn/basics/welcome", '<h2 id="welcome">Welcome</h2>'),
    ("/kits/webinar-in-a-box", '<h2 id="running-the-webinar">Running the webinar</h2>'),
    ("/playbooks/battle-cards/spreadsheets", "<p>Spreadsheets are free until the forecast"),
]


def test_requests_never_render_markdown(
    app, login, partner_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: MarkdownRenderer, text: str, *reserved: Collection[str]) -> str:
        raise AssertionError(f"a request rendered Markdown: {text[:40]!r}")

    monkeypatch.setattr(MarkdownRenderer, "render", refuse)
    client = login(partner_user)
    for url, html in RENDERED_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert html in response.get_data(as_text=True), url


def test_a_reload_never_holds_up_other_requests(
    app, login, partner_user, content_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendering, finish = threading.Event(), threading.Event()
    render = MarkdownRenderer.render

    def slow_render(self: MarkdownRenderer, text: str, *reserved: Collection[str]) -> str:
        if "Earliest wins." in text:  # the edited page: stay here until the test says so
            rendering.set()
            finish.wait(timeout=30)
        return render(self, text, *reserved)

    monkeypatch.setattr(MarkdownRenderer, "render", slow_render)
    client = login(partner_user)
    _edit(content_dir / "pages" / "rules.md", "First come, first served.", "Earliest wins.")
    reload = threading.Thread(target=_reload, args=(app,))
    reload.start()
    try:
        assert rendering.wait(timeout=30), "the reload never started rendering"
        # Served at once from the current index while the other thread renders the new one.
        during = client.get("/program/rules").get_data(as_text=True)
        assert reload.is_alive(), "the request waited for the reload"
    finally:
        finish.set()
        reload.join(timeout=30)
    assert "First come, first served." in during
    assert "Earliest wins." in client.get("/program/rules").get_data(as_text=True)


def _reload(app) -> None:
    with app.app_context():
        app.extensions[EXTENSION_KEY].reload_if_changed()
