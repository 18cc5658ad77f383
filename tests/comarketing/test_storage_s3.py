"""Co-marketing files on S3 (moto's server on 127.0.0.1, over real HTTP): stored under a
generated key beside the kit files, delivered by the app as attachments, outages answered."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from portal.comarketing.models import ComarketingVersion
from portal.extensions import db
from portal.kits.uploads import EXTENSION_KEY, UPLOAD_KEY, S3Uploads, uploads_from_config
from tests.comarketing.factories import PDF
from tests.kits.conftest import BUCKET, PREFIX, MotoS3, moto_server, s3  # noqa: F401


@pytest.fixture
def on_s3(app: Flask, s3: MotoS3, monkeypatch: pytest.MonkeyPatch) -> MotoS3:  # noqa: F811
    """The app's upload storage in the kit bucket, for this test only."""
    config = {
        **app.config,
        "ASSET_STORAGE": f"s3://{BUCKET}/{PREFIX}",
        "S3_ENDPOINT_URL": s3.endpoint_url,
    }
    storage = uploads_from_config(config)
    assert isinstance(storage, S3Uploads)
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return s3


def test_a_piece_goes_to_the_bucket_and_comes_back_as_an_attachment(
    client, login, partner_user, staff_user, on_s3: MotoS3
) -> None:
    login(partner_user)
    response = client.post(
        "/approvals/new",
        data={
            "title": "Partner launch flyer",
            "channel": "event",
            "planned_on": "2027-05-01",
            "file": (io.BytesIO(PDF), "flyer.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    version = db.session.scalar(db.select(ComarketingVersion))
    assert version is not None and version.storage_key is not None
    assert UPLOAD_KEY.fullmatch(version.storage_key)
    assert on_s3.keys() == [f"{PREFIX}/uploads/{version.storage_key}"]
    head = on_s3.client().head_object(Bucket=BUCKET, Key=on_s3.keys()[0])
    assert head["ContentType"] == "application/pdf"

    login(staff_user)
    download = client.get(f"/approvals/{version.piece_id}/versions/{version.id}/file")
    assert download.status_code == 200
    assert download.get_data() == PDF
    assert download.headers["Content-Disposition"] == 'attachment; filename="flyer.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_object_is_a_404_and_an_unreachable_bucket_a_503(
    client, login, partner_user, on_s3: MotoS3, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(partner_user)
    client.post(
        "/approvals/new",
        data={
            "title": "Launch flyer",
            "channel": "event",
            "planned_on": "2027-05-01",
            "file": (io.BytesIO(PDF), "flyer.pdf"),
        },
        content_type="multipart/form-data",
    )
    version = db.session.scalar(db.select(ComarketingVersion))
    assert version is not None
    url = f"/approvals/{version.piece_id}/versions/{version.id}/file"
    on_s3.client().delete_object(Bucket=BUCKET, Key=on_s3.keys()[0])
    assert client.get(url).status_code == 404
    unreachable = {
        **app.config,
        "ASSET_STORAGE": f"s3://{BUCKET}",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, uploads_from_config(unreachable))
    assert client.get(url).status_code == 503
    refused = client.post(
        "/approvals/new",
        data={
            "title": "Another flyer",
            "channel": "event",
            "planned_on": "2027-05-01",
            "file": (io.BytesIO(PDF), "flyer.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "could not be stored just now" in refused.get_data(as_text=True)
