"""Every page of every role is valid HTML: 0 errors from the Nu HTML checker (vnu).

The pages are the role matrix of tests/test_access.py (every GET route, as every role that gets
a 200), on the same populated world. They are rendered in-process, written to a folder and
checked in one run of the checker (`java -jar vnu.jar`): a JVM starts once, not per page.
The checker comes from npm (`vnu-jar`, pinned in .ci/package.json, installed by .ci/run into
.ci/node_modules) and runs on Debian's `default-jre-headless`. Without either the test skips
with a reason, except in CI, where it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from portal.accounts.models import User
from portal.extensions import db
from tests.access_helpers import ROLES
from tests.conftest import require, sign_in
from tests.test_access import ACCESS, World, _build_world

VNU_JAR = Path(__file__).resolve().parents[1] / ".ci/node_modules/vnu-jar/build/dist/vnu.jar"
CHECK_SECONDS = 120


@pytest.fixture
def db_backend() -> str:
    """Markup does not depend on the database: one run (SQLite) is enough."""
    return "sqlite"


def _pages(app: Flask, world: World) -> dict[str, str]:
    """file name -> HTML of every page a role may open (each distinct URL once per role)."""
    pages: dict[str, str] = {}
    for endpoint, route in sorted(ACCESS.items()):
        if route.method != "GET" or endpoint == "static":
            continue
        url = route.url.format(**vars(world))
        for role in ROLES:
            if route.expected[role] != 200:
                continue
            client = app.test_client()
            if role != "anonymous":
                sign_in(client, db.session.get(User, world.users[role]))
            response = client.get(url)
            body = response.get_data()
            response.close()
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            if not body.lstrip().lower().startswith(b"<!doctype html>"):
                continue  # an htmx fragment (the live referral hint), not a page
            pages[f"{endpoint}.{role}.html"] = body.decode()
    return pages


def _vnu_errors(folder: Path) -> list[str]:
    """Every error the checker reports for the files in `folder`, as `file:line: message`."""
    result = subprocess.run(
        [
            "java",
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=CHECK_SECONDS,
        check=True,
    )
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]


def test_every_page_of_every_role_is_valid_html(app: Flask, module_world, tmp_path) -> None:
    require(shutil.which("java") is not None, "java is not installed (default-jre-headless)")
    require(VNU_JAR.is_file(), f"{VNU_JAR} is missing (npm ci --prefix .ci)")
    world: World = module_world("access_world", _build_world)
    pages = _pages(app, world)
    # Guard against a checker run that silently validated nothing.
    assert len(pages) > 100, f"only {len(pages)} pages rendered"
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    errors = _vnu_errors(tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_the_checker_catches_what_it_is_here_for(tmp_path) -> None:
    """The errors the pages once had are found (one checker run for both pages)."""
    require(shutil.which("java") is not None, "java is not installed (default-jre-headless)")
    require(VNU_JAR.is_file(), f"{VNU_JAR} is missing (npm ci --prefix .ci)")
    bad = {
        "time.html": '<time datetime="2026-01-02T03:04:05.123456+00:00">x</time>',
        "autocomplete.html": '<input name="e" autocomplete="e-mail">',
    }
    for name, html in bad.items():
        page = f'<!doctype html><html lang="en"><head><title>t</title></head><body>{html}</body>'
        (tmp_path / name).write_text(page + "</html>")
    errors = _vnu_errors(tmp_path)
    assert len(errors) == 2
    assert any(e.startswith("time.html") and "datetime" in e for e in errors)
    assert any(e.startswith("autocomplete.html") and "autocomplete" in e for e in errors)
