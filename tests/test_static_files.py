"""Static files: hashed names in pages, a year of caching, gzip and brotli, a favicon."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
from flask import Flask

from portal.static_files import IMMUTABLE_CACHE, build_static, hashed_name

STATIC = Path(__file__).resolve().parents[1] / "portal" / "static"


def _get(client, url: str, **kwargs):
    """The response with its body read and its file closed (WhiteNoise streams from disk)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_hashed_static_files_that_serve_the_current_bytes(client) -> None:
    page = _get(client, "/login").get_data(as_text=True)
    links = _static_links(page)
    assert any(link.endswith(".css") for link in links) and any(".js" in x for x in links)
    for link in links:
        match = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})\.(\w+)", link)
        assert match, f"{link} has no content hash in its name"
        plain = STATIC / f"{match.group(1)}.{match.group(3)}"
        body = _get(client, link, headers={"Accept-Encoding": "identity"})
        assert body.status_code == 200
        assert body.data == plain.read_bytes()
        assert hashlib.sha256(body.data).hexdigest()[:12] == match.group(2)
        assert body.headers["Cache-Control"] == IMMUTABLE_CACHE


def test_hashed_files_come_gzipped_and_brotli_compressed(client) -> None:
    css = next(
        x for x in _static_links(_get(client, "/login").get_data(as_text=True)) if ".css" in x
    )
    original = (STATIC / "css" / "app.css").read_bytes()
    br = _get(client, css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert len(br.data) < len(original) / 2
    assert brotli.decompress(br.data) == original
    gz = _get(client, css, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.data) == original
    plain = _get(client, css, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == original


def test_plain_names_still_serve_but_are_not_cached_for_long(client) -> None:
    response = _get(client, "/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert _get(client, "/static/css/nothing.css").status_code == 404


def test_every_page_names_a_favicon_that_exists(client) -> None:
    page = _get(client, "/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon, "no favicon link in the page head"
    response = _get(client, icon.group(1))
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")


def test_build_is_repeatable_and_keeps_old_copies(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n" * 50)
    build = tmp_path / "build"
    first = build_static(source, build)
    assert first == {
        "css/site.css": hashed_name("css/site.css", (source / "css/site.css").read_bytes())
    }
    assert build_static(source, build) == first
    (source / "css" / "site.css").write_text("body { color: navy; }\n" * 50)
    second = build_static(source, build)
    assert second["css/site.css"] != first["css/site.css"]
    # A page rendered before the change still finds the file it names.
    assert (build / first["css/site.css"]).exists() and (build / second["css/site.css"]).exists()
    assert (build / (second["css/site.css"] + ".gz")).exists()
    assert (build / (second["css/site.css"] + ".br")).exists()


def test_debug_mode_serves_plain_names_fresh(app_config, tmp_path: Path) -> None:
    from portal import create_app

    app: Flask = create_app({**app_config, "DEBUG": True, "STATIC_BUILD_DIR": str(tmp_path)})
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="css/app.css") == "/static/css/app.css"
    assert not any(tmp_path.iterdir())
