"""Uploads kept beside the kit files: typed by content, stored under generated keys (local or
S3), served as attachments that no browser renders or sniffs."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.exceptions import NotFound

from portal.kits.uploads import LocalUploads, S3Uploads, sniff_media_type
from tests.kits.conftest import BUCKET, MotoS3


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"\xef\xbb\xbfname,email\nAda,ada@example.com\n", "text/csv"),
        (b"MZ\x90\x00\x03", None),  # a Windows program named invoice.pdf
        (b"<svg onload=alert(1)>\x00", None),  # a NUL: not text
        (b"\xff\xfe\x00bad utf-8", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_content(data: bytes, media_type: str | None) -> None:
    assert sniff_media_type(data) == media_type


def test_local_uploads_take_only_generated_keys(app, tmp_path: Path) -> None:
    store = LocalUploads(tmp_path / "uploads")
    key = "a" * 32 + ".pdf"
    store.put(key, b"%PDF-1.4", "application/pdf")
    assert (tmp_path / "uploads" / key).read_bytes() == b"%PDF-1.4"
    for bad in ("../secret_key", "a" * 31 + ".pdf", "A" * 32 + ".pdf", key + "/x", "a" * 32):
        with pytest.raises(NotFound):
            store.put(bad, b"x", "text/csv")
    with app.test_request_context():
        response = store.send(key, "invoice.pdf", "application/pdf")
        assert response.headers["Content-Disposition"].startswith("attachment")
        response.close()


def test_s3_uploads_round_trip_under_their_prefix(app, s3: MotoS3) -> None:
    store = S3Uploads(BUCKET, "assets", s3.client())
    key = "b" * 32 + ".csv"
    store.put(key, b"name\nAda\n", "text/csv")
    assert s3.keys() == [f"assets/uploads/{key}"]
    with app.test_request_context():
        response = store.send(key, "attendees.csv", "text/csv")
        response.direct_passthrough = False
        assert response.get_data() == b"name\nAda\n"
        response.close()


def test_deleting_uploads_removes_the_file_and_forgives_a_missing_one(
    app, s3: MotoS3, tmp_path: Path
) -> None:
    key = "c" * 32 + ".pdf"
    for store in (S3Uploads(BUCKET, "assets", s3.client()), LocalUploads(tmp_path)):
        store.put(key, b"%PDF-1.4", "application/pdf")
        store.delete(key)
        assert store.get(key) is None
        store.delete(key)  # already gone: nothing to do, no error
    assert s3.keys() == []
