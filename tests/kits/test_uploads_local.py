"""Uploaded files on local disk: generated names only, never a path out of the folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from portal.kits.uploads import UPLOAD_KEY, LocalUploads, new_upload_key


def test_keys_are_random_and_never_a_path() -> None:
    keys = {new_upload_key("pdf") for _ in range(50)}
    assert len(keys) == 50 and all(UPLOAD_KEY.fullmatch(k) for k in keys)
    with pytest.raises(ValueError):
        new_upload_key("../x")


def test_a_stored_file_comes_back_as_an_attachment(app: Flask, tmp_path: Path) -> None:
    storage = LocalUploads(tmp_path / "uploads")
    key = new_upload_key("html")
    storage.put(key, b"<!doctype html><script>alert(1)</script>", "text/html")
    with app.test_request_context():
        response = storage.send(key, "landing page.html", "text/html")
        body = b"".join(response.response)
    assert body.startswith(b"<!doctype html>")
    assert response.headers["Content-Disposition"] == 'attachment; filename="landing page.html"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize("key", ["../secret_key", "/etc/passwd", "a" * 32 + ".pdf/..", ""])
def test_any_other_key_is_not_found(app: Flask, tmp_path: Path, key: str) -> None:
    storage = LocalUploads(tmp_path)
    with app.test_request_context(), pytest.raises(NotFound):
        storage.send(key, "x.pdf", "application/pdf")
    with pytest.raises(NotFound):
        storage.put(key, b"%PDF-", "application/pdf")
