"""Logos are decoded, cleaned and re-encoded by the server; SVG and non-images are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.directory import logos
from tests.directory.conftest import png_bytes


def test_a_large_image_is_resized_to_a_fresh_png_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    source = io.BytesIO()
    Image.new("RGB", (1200, 600), "red").save(source, format="JPEG", exif=exif, comment=b"hi")
    cleaned = logos.clean_logo(source.getvalue())
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG"
        assert image.size == (400, 200)
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info
    assert b"SecretCam" not in cleaned


@pytest.mark.parametrize(
    "data, message",
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"  <svg onload='alert(1)'/>", "SVG"),
        (b"%PDF-1.7 not an image", "not an image"),
        (png_bytes()[:60], "not an image"),
    ],
)
def test_svg_and_what_pillow_cannot_decode_are_refused(data: bytes, message: str):
    with pytest.raises(logos.LogoRefused, match=message):
        logos.clean_logo(data)


def test_the_size_limit_stops_reading():
    asked: list[int] = []

    class Stream(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            asked.append(size or -1)
            return super().read(size)

    stream = Stream(b"x" * (logos.LOGO_MAX_BYTES + 10))
    with pytest.raises(logos.LogoRefused, match="at most"):
        logos.read_limited(stream)
    assert asked == [logos.LOGO_MAX_BYTES + 1]


def test_an_oversized_upload_is_refused_before_the_form_is_read(app, login, partner_admin):
    body = b"x" * (logos.LOGO_MAX_BYTES + 200 * 1024)
    response = login(partner_admin).post(
        "/directory/profile",
        data={"logo": (io.BytesIO(body), "big.png")},
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
