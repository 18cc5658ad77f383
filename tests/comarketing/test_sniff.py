"""A file's type comes from its bytes: the five accepted kinds, and what is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.comarketing.service import UploadRefused, check_upload
from portal.kits.api import sniff


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = _zip(["[Content_Types].xml", "word/document.xml", "_rels/.rels"])


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (DOCX, "DOCX"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body>Hi</body></html>", "HTML"),
        (b"<html lang='en'><p>Hi</p></html>", "HTML"),
    ],
)
def test_the_five_accepted_kinds_are_known_by_content(data: bytes, label: str) -> None:
    kind = sniff(data)
    assert kind is not None and kind.label == label


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        _zip(["xl/workbook.xml", "[Content_Types].xml"]),  # a spreadsheet
        b"PK\x03\x04 not really a zip",
        b"<!doctype html>\xff\xfe not UTF-8",
        b"plain text",
        b"",
    ],
)
def test_anything_else_is_refused(data: bytes) -> None:
    assert sniff(data) is None


def test_the_name_never_decides_and_the_stored_extension_is_ours() -> None:
    with pytest.raises(UploadRefused, match="not one of the accepted types"):
        check_upload(b"MZ\x90\x00", "brochure.pdf", 1000)
    upload = check_upload(b"%PDF-1.4 flyer", "../../etc/flyer.exe", 1000)
    assert (upload.media_type, upload.extension, upload.file_name) == (
        "application/pdf",
        "pdf",
        "flyer.pdf",
    )


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(UploadRefused, match="larger than"):
        check_upload(b"%PDF-" + b"x" * 2000, "big.pdf", 1000)
