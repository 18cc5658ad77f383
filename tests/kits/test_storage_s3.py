"""S3Storage against moto's standalone server over real HTTP: sync, presigned GET, outages."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from portal.kits.storage import (
    LocalStorage,
    S3Storage,
    StorageConfigError,
    StorageUnavailable,
    parse_storage_setting,
    s3_client,
    storage_from_config,
)
from tests.kits.conftest import BUCKET, PREFIX, MotoS3, build_kit

PDF = b"%PDF-1.4 webinar slides"
PNG = b"\x89PNG\r\n\x1a\n banner"


def s3_storage(
    endpoint_url: str, root: Path, bucket: str = BUCKET, seconds: int = 300
) -> S3Storage:
    return S3Storage(
        bucket,
        PREFIX,
        s3_client(endpoint_url, "us-east-1"),
        content_root=root,
        url_seconds=seconds,
    )


def test_sync_uploads_by_content_hash_then_skips(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF, "banner.png": PNG})
    storage = s3_storage(s3.endpoint_url, tmp_path)

    first = storage.sync(kit.files)
    assert first.uploaded == list(kit.files)
    assert first.skipped == []
    assert s3.keys() == sorted(f"{PREFIX}/{f.sha256}/{f.name}" for f in kit.files)
    head = s3.client().head_object(Bucket=BUCKET, Key=storage.key(kit.files[0]))
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == len(PDF)

    second = storage.sync(kit.files)
    assert second.uploaded == []
    assert second.skipped == list(kit.files)
    assert storage.missing(kit.files) == []


def test_the_same_content_in_two_kits_is_uploaded_once(s3: MotoS3, tmp_path: Path) -> None:
    one = build_kit(tmp_path, "one", files={"slides.pdf": PDF})
    two = build_kit(tmp_path, "two", files={"slides.pdf": PDF})
    report = s3_storage(s3.endpoint_url, tmp_path).sync([*one.files, *two.files])
    assert report.uploaded == [one.files[0]]
    assert report.skipped == [two.files[0]]
    assert len(s3.keys()) == 1


def test_missing_lists_the_files_not_in_the_bucket(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF, "banner.png": PNG})
    storage = s3_storage(s3.endpoint_url, tmp_path)
    storage.sync(kit.files[:1])
    assert storage.missing(kit.files) == [kit.files[1]]


def test_send_redirects_to_a_presigned_url_a_plain_client_can_fetch(
    s3: MotoS3, tmp_path: Path
) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF})
    storage = s3_storage(s3.endpoint_url, tmp_path, seconds=120)
    storage.sync(kit.files)
    with Flask(__name__).test_request_context("/"):
        response = storage.send(kit, kit.files[0])
    assert response.status_code == 302
    assert response.cache_control.no_store
    url = response.headers["Location"]
    assert url.startswith(f"{s3.endpoint_url}/{BUCKET}/{PREFIX}/{kit.files[0].sha256}/slides.pdf?")
    assert "X-Amz-Expires=120" in url
    with urllib.request.urlopen(url, timeout=10) as fetched:
        assert fetched.read() == PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"] == 'attachment; filename="slides.pdf"'


def test_read_fetches_the_bytes_for_a_kits_zip(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF, "banner.png": PNG})
    storage = s3_storage(s3.endpoint_url, tmp_path)
    storage.sync(kit.files)
    assert [storage.read(kit, f) for f in kit.files] == [PDF, PNG]
    (tmp_path / "kits").rename(tmp_path / "elsewhere")  # read from the bucket, not the disk
    assert storage.read(kit, kit.files[0]) == PDF


def test_read_of_a_file_not_synced_is_unavailable(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF})
    with pytest.raises(StorageUnavailable):
        s3_storage(s3.endpoint_url, tmp_path).read(kit, kit.files[0])


def test_send_of_a_file_not_synced_is_unavailable(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF})
    storage = s3_storage(s3.endpoint_url, tmp_path)
    with Flask(__name__).test_request_context("/"), pytest.raises(StorageUnavailable):
        storage.send(kit, kit.files[0])


def test_a_missing_bucket_is_named_in_the_error(s3: MotoS3, tmp_path: Path) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF})
    storage = s3_storage(s3.endpoint_url, tmp_path, bucket="no-such-bucket")
    with pytest.raises(StorageUnavailable, match="the bucket does not exist"):
        storage.missing(kit.files)
    with pytest.raises(StorageUnavailable, match="the bucket does not exist"):
        storage.sync(kit.files)


def test_an_unreachable_endpoint_is_unavailable_quickly(
    aws_credentials: None, refused_port: int, tmp_path: Path
) -> None:
    kit = build_kit(tmp_path, files={"slides.pdf": PDF})
    storage = s3_storage(f"http://127.0.0.1:{refused_port}", tmp_path)
    started = time.monotonic()
    with Flask(__name__).test_request_context("/"), pytest.raises(StorageUnavailable):
        storage.send(kit, kit.files[0])
    with pytest.raises(StorageUnavailable):
        storage.missing(kit.files)
    with pytest.raises(StorageUnavailable):
        storage.sync(kit.files)
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("local", ("", "")),
        ("", ("", "")),
        ("s3://kit-assets", ("kit-assets", "")),
        ("s3://kit-assets/", ("kit-assets", "")),
        ("s3://kit-assets/portal/kits/", ("kit-assets", "portal/kits")),
    ],
)
def test_asset_storage_setting(value: str, expected: tuple[str, str]) -> None:
    assert parse_storage_setting(value) == expected


@pytest.mark.parametrize("value", ["s3:/bucket", "ftp://bucket", "s3://", "S3://Bucket", "disk"])
def test_an_unknown_asset_storage_setting_is_a_clear_error(value: str) -> None:
    with pytest.raises(StorageConfigError, match="ASSET_STORAGE must be"):
        parse_storage_setting(value)


def test_storage_from_config_builds_each_kind(aws_credentials: None, tmp_path: Path) -> None:
    assert isinstance(storage_from_config({"ASSET_STORAGE": "local"}, tmp_path), LocalStorage)
    storage = storage_from_config(
        {
            "ASSET_STORAGE": "s3://kit-assets/p",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9",
            "ASSET_URL_SECONDS": "60",
        },
        tmp_path,
    )
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix, storage.url_seconds) == ("kit-assets", "p", 60)
    assert storage.description == "s3://kit-assets/p"
    with pytest.raises(StorageConfigError, match="ASSET_URL_SECONDS"):
        storage_from_config({"ASSET_STORAGE": "s3://b-1", "ASSET_URL_SECONDS": "soon"}, tmp_path)


def test_an_unknown_asset_storage_stops_the_app_from_starting(app_config: dict) -> None:
    from portal import create_app
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="ASSET_STORAGE must be"):
        create_app({**app_config, "ASSET_STORAGE": "ftp://nope"})
