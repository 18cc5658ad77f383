"""LocalStorage: files streamed from the content directory, never from outside a kit's files/."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from portal.content.library import KitFile
from portal.kits.storage import LocalStorage, content_disposition, local_path
from tests.kits.conftest import build_kit

PDF = b"%PDF-1.4 fixture one-pager"


@pytest.fixture
def flask_app() -> Flask:
    return Flask(__name__)


def test_send_streams_the_file_with_type_and_disposition(tmp_path: Path, flask_app: Flask) -> None:
    kit = build_kit(tmp_path, files={"one-pager.pdf": PDF})
    storage = LocalStorage(tmp_path)
    with flask_app.test_request_context("/"):
        response = storage.send(kit, kit.files[0])
        response.direct_passthrough = False
        body = response.get_data()
        response.close()
    assert body == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=one-pager.pdf"
    # Never cached: every download is counted, and none outlives the session in a browser.
    assert response.get_etag() == (None, None)
    assert not response.cache_control.public and response.cache_control.max_age is None


def test_a_conditional_request_still_gets_the_file(tmp_path: Path, flask_app: Flask) -> None:
    kit = build_kit(tmp_path, files={"one-pager.pdf": PDF})
    etag = kit.files[0].sha256
    with flask_app.test_request_context("/", headers={"If-None-Match": f'"{etag}"'}):
        response = LocalStorage(tmp_path).send(kit, kit.files[0])
        response.close()
    assert response.status_code == 200


def test_a_file_gone_from_disk_is_not_found_and_missing(tmp_path: Path, flask_app: Flask) -> None:
    kit = build_kit(tmp_path, files={"a.pdf": PDF, "b.png": b"png"})
    (tmp_path / "kits" / kit.id / "files" / "b.png").unlink()
    storage = LocalStorage(tmp_path)
    with flask_app.test_request_context("/"), pytest.raises(NotFound):
        storage.send(kit, kit.files[1])
    assert storage.missing(kit.files) == [kit.files[1]]
    assert storage.sync(kit.files).uploaded == []


@pytest.mark.parametrize(
    "name",
    [
        "../kit.md",
        "..",
        ".",
        "",
        "/etc/passwd",
        "sub/file.pdf",
        "..\\..\\kit.md",
        "C:\\Windows\\win.ini",
        "file.pdf\x00.png",
        ".hidden",
        "%2e%2e",
    ],
)
def test_names_that_are_not_plain_file_names_resolve_to_nothing(tmp_path: Path, name: str) -> None:
    build_kit(tmp_path, files={"one-pager.pdf": PDF})
    (tmp_path / "kits" / "webinar" / "kit.md").write_text("secret")
    assert local_path(tmp_path, "webinar", name) is None


@pytest.mark.parametrize("kit_id", ["..", "../kits/webinar", "/etc", "webinar/files"])
def test_kit_ids_that_are_not_plain_names_resolve_to_nothing(tmp_path: Path, kit_id: str) -> None:
    build_kit(tmp_path, files={"one-pager.pdf": PDF})
    assert local_path(tmp_path, kit_id, "one-pager.pdf") is None


def test_a_symlink_out_of_the_files_folder_is_refused(tmp_path: Path, flask_app: Flask) -> None:
    root = tmp_path / "content"
    kit = build_kit(root, files={"one-pager.pdf": PDF})
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    (root / "kits" / kit.id / "files" / "leak.pdf").symlink_to(secret)
    leak = KitFile(
        "leak.pdf", "Leak", 12, "application/pdf", "0" * 64, f"kits/{kit.id}/files/leak.pdf"
    )
    assert local_path(root, kit.id, "leak.pdf") is None
    with flask_app.test_request_context("/"), pytest.raises(NotFound):
        LocalStorage(root).send(kit, leak)


def test_a_files_folder_that_is_a_symlink_out_of_kits_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "content"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "one-pager.pdf").write_bytes(PDF)
    (root / "kits" / "webinar").mkdir(parents=True)
    (root / "kits" / "webinar" / "files").symlink_to(outside)
    assert local_path(root, "webinar", "one-pager.pdf") is None


def test_a_symlink_inside_the_files_folder_is_served(tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"one-pager.pdf": PDF})
    folder = tmp_path / "kits" / kit.id / "files"
    (folder / "copy.pdf").symlink_to(folder / "one-pager.pdf")
    assert local_path(tmp_path, kit.id, "copy.pdf") == (folder / "one-pager.pdf").resolve()


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("slides.pdf", 'attachment; filename="slides.pdf"'),
        (
            'we"ird;name.txt',
            "attachment; filename=\"we_ird_name.txt\"; filename*=UTF-8''we%22ird%3Bname.txt",
        ),
        ("café.pdf", "attachment; filename=\"caf.pdf\"; filename*=UTF-8''caf%C3%A9.pdf"),
        (
            "résumé\r\nX-Evil: 1.txt",
            'attachment; filename="rsum__X-Evil_ 1.txt"; '
            "filename*=UTF-8''r%C3%A9sum%C3%A9%0D%0AX-Evil%3A%201.txt",
        ),
    ],
)
def test_content_disposition_is_rfc_6266_safe(name: str, header: str) -> None:
    assert content_disposition(name) == header
