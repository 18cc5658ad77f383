"""Downloads and the content commands with ASSET_STORAGE on moto's S3, over real HTTP."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from portal.content_cli import content_cli
from portal.kits.storage import EXTENSION_KEY, storage_from_config
from tests.conftest import FIXTURE_CONTENT
from tests.kits.conftest import BUCKET, PREFIX, SLIDES, WEBINAR, MotoS3, events

FIXTURE_FILES = [
    "kits/reseller-pricing-sheet/files/price-sheet.pdf",
    "kits/webinar-in-a-box/files/slides.pdf",
    "kits/webinar-in-a-box/files/banner.png",
]


def use_s3(app: Flask, endpoint_url: str) -> None:
    """Point the running app's asset storage at a bucket on `endpoint_url`."""
    settings = {
        "ASSET_STORAGE": f"s3://{BUCKET}/{PREFIX}",
        "S3_ENDPOINT_URL": endpoint_url,
        "ASSET_URL_SECONDS": 120,
    }
    app.config.update(settings)
    app.extensions[EXTENSION_KEY] = storage_from_config(app.config, FIXTURE_CONTENT)


def check(endpoint_url: str, directory: Path = FIXTURE_CONTENT):
    env = {"ASSET_STORAGE": f"s3://{BUCKET}/{PREFIX}", "S3_ENDPOINT_URL": endpoint_url}
    return CliRunner().invoke(content_cli, ["check", str(directory)], env=env)


def test_sync_assets_uploads_then_skips(app: Flask, runner, s3: MotoS3) -> None:
    use_s3(app, s3.endpoint_url)
    first = runner.invoke(content_cli, ["sync-assets"])
    assert first.exit_code == 0, first.output
    for path in FIXTURE_FILES:
        assert f"uploaded {path} (" in first.output
    assert f"s3://{BUCKET}/{PREFIX}: 3 uploaded, 0 already there, 3 kit file(s)" in first.output
    assert len(s3.keys()) == 3

    second = runner.invoke(content_cli, ["sync-assets"])
    assert second.exit_code == 0, second.output
    assert "uploaded" not in second.output.replace("0 uploaded", "")
    assert "skipped  kits/webinar-in-a-box/files/slides.pdf (already in the bucket)" in (
        second.output
    )
    assert "0 uploaded, 3 already there" in second.output


def test_sync_assets_with_local_storage_has_nothing_to_do(runner) -> None:
    result = runner.invoke(content_cli, ["sync-assets"])
    assert result.exit_code == 0
    assert "ASSET_STORAGE is local" in result.output
    assert "nothing to do" in result.output


def test_sync_assets_against_an_unreachable_bucket_fails_clearly(
    app: Flask, runner, aws_credentials: None, refused_port: int
) -> None:
    use_s3(app, f"http://127.0.0.1:{refused_port}")
    result = runner.invoke(content_cli, ["sync-assets"])
    assert result.exit_code == 1
    assert f"error: cannot sync kit files: s3://{BUCKET}/{PREFIX}: " in result.output
    assert "Traceback" not in result.output


def test_check_reports_files_missing_from_the_bucket(s3: MotoS3) -> None:
    result = check(s3.endpoint_url)
    assert result.exit_code == 1
    for path in FIXTURE_FILES:
        assert (
            f"{path}:1: missing from s3://{BUCKET}/{PREFIX} (run flask content sync-assets)"
            in result.output
        )
    assert "content ok" not in result.output


def test_check_passes_once_the_files_are_synced(app: Flask, runner, s3: MotoS3) -> None:
    use_s3(app, s3.endpoint_url)
    assert runner.invoke(content_cli, ["sync-assets"]).exit_code == 0
    result = check(s3.endpoint_url)
    assert result.exit_code == 0, result.output
    assert "content ok" in result.output


def test_check_against_an_unreachable_bucket_fails_clearly(
    aws_credentials: None, refused_port: int
) -> None:
    result = check(f"http://127.0.0.1:{refused_port}")
    assert result.exit_code == 1
    assert f"kits: cannot check kit files: s3://{BUCKET}/{PREFIX}: " in result.output
    assert "Traceback" not in result.output


def test_check_refuses_an_unknown_asset_storage() -> None:
    result = CliRunner().invoke(
        content_cli, ["check", str(FIXTURE_CONTENT)], env={"ASSET_STORAGE": "ftp://x"}
    )
    assert result.exit_code == 1
    assert "error: ASSET_STORAGE must be 'local' or 's3://bucket/prefix'" in result.output


def test_a_download_redirects_to_a_presigned_url_that_serves_the_file(
    app: Flask, runner, login, partner_user, partner_org, s3: MotoS3
) -> None:
    use_s3(app, s3.endpoint_url)
    assert runner.invoke(content_cli, ["sync-assets"]).exit_code == 0
    response = login(partner_user).get(f"/kits/{WEBINAR}/files/slides.pdf")
    assert response.status_code == 302
    assert "no-store" in response.headers["Cache-Control"]
    url = response.headers["Location"]
    assert url.startswith(f"{s3.endpoint_url}/{BUCKET}/{PREFIX}/")
    assert events() == [("kit_download", f"{WEBINAR}/slides.pdf", partner_org.id)]
    with urllib.request.urlopen(url, timeout=10) as fetched:
        assert fetched.read() == SLIDES.read_bytes()
        assert fetched.headers["Content-Disposition"] == 'attachment; filename="slides.pdf"'


@pytest.mark.parametrize("reachable", [True, False], ids=["not-synced", "unreachable"])
def test_a_bucket_that_cannot_serve_shows_the_kit_page_with_503(
    request, app: Flask, login, partner_user, reachable: bool
) -> None:
    if reachable:
        endpoint = request.getfixturevalue("s3").endpoint_url
    else:
        request.getfixturevalue("aws_credentials")
        endpoint = f"http://127.0.0.1:{request.getfixturevalue('refused_port')}"
    use_s3(app, endpoint)
    response = login(partner_user).get(f"/kits/{WEBINAR}/files/slides.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "This file is unavailable right now; try again in a few minutes." in page
    assert "Co-selling webinar in a box" in page  # still the kit's page, with its files
    assert f'href="/kits/{WEBINAR}/files/banner.png"' in page
    assert events() == []  # nothing was delivered
