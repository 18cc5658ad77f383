"""Files partners upload (proof of performance, ...), kept beside the kit files' storage.

Same choice as the kit files (`ASSET_STORAGE`): `local` keeps uploads under `UPLOAD_DIR`
(default `instance/uploads`), `s3://bucket/prefix` puts them in the same bucket under
`prefix/uploads/`. An upload is stored under a generated name (`secrets.token_hex`), never the
name the partner gave it, and is always served as an attachment with `nosniff`, so a file
cannot become a page of the portal. The caller checks size and type before it stores anything
(`sniff_media_type`).
"""

from __future__ import annotations

import re
import secrets
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app, send_file
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from portal.kits.storage import (
    StorageUnavailable,
    content_disposition,
    parse_storage_setting,
    s3_client,
)

__all__ = ["UploadStore", "send_upload", "sniff_media_type", "store_upload"]

EXTENSION_KEY = "upload_store"
_KEY = re.compile(r"[0-9a-f]{32}")
# Magic numbers of the types we take; text (CSV) is recognised by decoding, below.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_media_type(data: bytes) -> str | None:
    """The file's type from its first bytes (never its name): PDF, PNG, JPEG or CSV text.

    CSV means UTF-8 text without control characters other than tab and line breaks; anything
    else is None (refused).
    """
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "text/csv"
    return None


class UploadStore(Protocol):
    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Store the bytes under the key; raises StorageUnavailable."""
        ...

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        """The response that delivers the file as an attachment; raises NotFound."""
        ...


class LocalUploads:
    """Uploads as files in one folder, named by their key only."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise NotFound()
        return self.root / key

    def put(self, key: str, data: bytes, media_type: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._path(key).write_bytes(data)

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        path = self._path(key)
        if not path.is_file():
            raise NotFound()
        return send_file(
            BytesIO(path.read_bytes()),
            mimetype=media_type,
            as_attachment=True,
            download_name=download_name,
            etag=False,
            conditional=False,
        )


class S3Uploads:
    """Uploads as objects `prefix/uploads/<key>`; served through the app (no public URL)."""

    def __init__(self, bucket: str, prefix: str, client: Any):
        self.bucket = bucket
        self.prefix = "/".join(p for p in (prefix.strip("/"), "uploads") if p)
        self.client = client

    def _key(self, key: str) -> str:
        if not _KEY.fullmatch(key):
            raise NotFound()
        return f"{self.prefix}/{key}"

    def put(self, key: str, data: bytes, media_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=media_type
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"s3://{self.bucket}: uploading: {exc}") from exc

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"s3://{self.bucket}: {exc}") from exc
        return send_file(
            BytesIO(body),
            mimetype=media_type,
            as_attachment=True,
            download_name=download_name,
            etag=False,
            conditional=False,
        )


def _store() -> UploadStore:
    store: UploadStore | None = current_app.extensions.get(EXTENSION_KEY)
    if store is None:
        config = current_app.config
        bucket, prefix = parse_storage_setting(str(config.get("ASSET_STORAGE") or "local"))
        if bucket:
            client = s3_client(
                str(config.get("S3_ENDPOINT_URL") or ""),
                str(config.get("AWS_REGION") or "us-east-1"),
            )
            store = S3Uploads(bucket, prefix, client)
        else:
            default = Path(current_app.instance_path) / "uploads"
            store = LocalUploads(Path(config.get("UPLOAD_DIR") or default))
        current_app.extensions[EXTENSION_KEY] = store
    return store


def store_upload(data: bytes, media_type: str) -> str:
    """Store checked bytes under a new generated key and return the key."""
    key = secrets.token_hex(16)
    _store().put(key, data, media_type)
    return key


def send_upload(key: str, download_name: str, media_type: str) -> Response:
    """The stored upload as an attachment that no browser will render or sniff."""
    response = _store().send(key, download_name, media_type)
    response.headers["Content-Disposition"] = content_disposition(download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.no_store = True
    return response
