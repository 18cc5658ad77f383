"""A kit page shows each file's preview, type and size; "Download all" is one zip of the files,
recorded as one download per file (which ticks the onboarding step like any download)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from flask import Flask

from portal.content_runtime import current_content
from portal.extensions import db
from portal.kits import bundle
from portal.kits.service import org_has_kit_download
from portal.kits.storage import EXTENSION_KEY, StorageUnavailable
from tests.kits.conftest import PRICING, SLIDES, WEBINAR, events

FILES = SLIDES.parent


def test_the_kit_page_shows_previews_types_sizes_and_download_all(login, partner_user) -> None:
    page = login(partner_user).get(f"/kits/{WEBINAR}").get_data(as_text=True)
    assert f'src="/kits/{WEBINAR}/previews/slides.pdf"' in page
    # banner.png ships no preview: its row has no image, and no broken link
    assert f"/kits/{WEBINAR}/previews/banner.png" not in page
    assert "PDF" in page and "PNG image" in page
    assert re.search(r"Download all\s*<span>\(2 files, [0-9.]+ (bytes|KB), zip\)", page)
    assert f'href="/kits/{WEBINAR}/download-all"' in page


def test_a_preview_is_the_thumbnail_and_is_no_download(login, partner_user) -> None:
    response = login(partner_user).get(f"/kits/{WEBINAR}/previews/slides.pdf")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.get_data() == (FILES.parent / "previews" / "slides.pdf.png").read_bytes()
    response.close()
    assert events() == []


@pytest.mark.parametrize(
    "name", ["banner.png", "nothing.pdf", "slides.pdf.png", "..%2Fkit.md", "%2e%2e"]
)
def test_a_preview_that_does_not_exist_is_404(login, partner_user, name: str) -> None:
    response = login(partner_user).get(f"/kits/{WEBINAR}/previews/{name}")
    response.close()
    assert response.status_code == 404


def test_download_all_is_a_zip_of_every_file_recorded_per_file(
    app: Flask, login, partner_user, partner_org
) -> None:
    assert not org_has_kit_download(partner_org.id)
    response = login(partner_user).get(f"/kits/{WEBINAR}/download-all")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{WEBINAR}.zip"'
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.namelist() == [f"{WEBINAR}/slides.pdf", f"{WEBINAR}/banner.png"]
    for name in ("slides.pdf", "banner.png"):
        assert archive.read(f"{WEBINAR}/{name}") == (FILES / name).read_bytes()
    assert archive.testzip() is None
    assert sorted(events()) == [
        ("kit_download", f"{WEBINAR}/banner.png", partner_org.id),
        ("kit_download", f"{WEBINAR}/slides.pdf", partner_org.id),
    ]
    db.session.expire_all()
    assert org_has_kit_download(partner_org.id)


def test_download_all_ticks_the_onboarding_download_step(app: Flask, login, partner_user) -> None:
    from portal.onboarding.service import checklist_for

    org = partner_user.organization
    assert not checklist_for(org, current_content()).step_state("download-kit").done
    login(partner_user).get(f"/kits/{WEBINAR}/download-all").close()
    db.session.expire_all()
    assert checklist_for(org, current_content()).step_state("download-kit").done


def test_the_same_files_give_the_same_zip(login, partner_user) -> None:
    client = login(partner_user)
    first = client.get(f"/kits/{WEBINAR}/download-all").get_data()
    assert client.get(f"/kits/{WEBINAR}/download-all").get_data() == first


def test_a_head_records_nothing(login, partner_user) -> None:
    response = login(partner_user).head(f"/kits/{WEBINAR}/download-all")
    response.close()
    assert response.status_code == 200
    assert events() == []


def test_a_kit_too_large_for_one_zip_says_so(login, partner_user, monkeypatch) -> None:
    monkeypatch.setattr(bundle, "KIT_ZIP_MAX_BYTES", 10)
    client = login(partner_user)
    assert "Download all" not in client.get(f"/kits/{WEBINAR}").get_data(as_text=True)
    response = client.get(f"/kits/{WEBINAR}/download-all")
    assert response.status_code == 413
    assert "download its files one by one" in response.get_data(as_text=True)
    assert events() == []


def test_a_kit_outside_the_audience_has_no_zip(login, partner_user) -> None:
    response = login(partner_user).get(f"/kits/{PRICING}/download-all")
    response.close()
    assert response.status_code == 404
    assert events() == []


class _Unreachable:
    description = "s3://gone"

    def read(self, kit, file) -> bytes:
        raise StorageUnavailable("connection refused")


def test_an_unreachable_storage_is_a_message_and_no_download(
    app: Flask, login, partner_user, monkeypatch
) -> None:
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, _Unreachable())
    response = login(partner_user).get(f"/kits/{WEBINAR}/download-all")
    assert response.status_code == 503
    assert "unavailable right now" in response.get_data(as_text=True)
    assert events() == []


class _Swollen:
    """Storage whose files are far larger than the content index says they are."""

    description = "s3://swollen"

    def read(self, kit, file) -> bytes:
        return b"x" * (bundle.KIT_ZIP_MAX_BYTES // 2 + 1)


def test_files_larger_in_storage_than_declared_are_refused_not_zipped(
    app: Flask, login, partner_user, monkeypatch
) -> None:
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, _Swollen())
    response = login(partner_user).get(f"/kits/{WEBINAR}/download-all")
    assert response.status_code == 413
    assert "download its files one by one" in response.get_data(as_text=True)
    assert events() == []
