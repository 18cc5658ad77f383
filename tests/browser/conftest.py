"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's chromium.

Never downloads a browser: Playwright launches /usr/bin/chromium. Without it (or without
Playwright's driver) the tests skip with a reason, except in CI where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from tests.conftest import FIXTURE_CONTENT, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a SQLite file with CSRF and every real protection on."""
    workdir: Path = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'portal.sqlite'}",
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(workdir / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live_app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield live_app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(
        shutil.which(CHROMIUM) is not None,
        f"{CHROMIUM} is not installed (apt-get install chromium)",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        require(False, "playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_url)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()
