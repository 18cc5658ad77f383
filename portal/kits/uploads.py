"""Files people upload (co-marketing pieces, MDF proof, compliance documents), kept in the
same storage as the kit files.

`ASSET_STORAGE=local` keeps them in `UPLOAD_DIR`; `s3://bucket/prefix` in the same bucket under
`prefix/uploads/`. The caller names each file with a generated key (`new_upload_key`), never a
name from the request, and the storage refuses any other shape of key. Downloads are streamed
by the app in both cases, as attachments with `nosniff`: an uploaded HTML page is never
rendered, on the portal's origin or the bucket's. Nothing here reads the request; the
database session only tells which stored files were never committed (upload_cleanup.py).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.kits.sniff import JPEG, PDF, PNG, sniff
from portal.kits.storage import (
    StorageUnavailable,
    content_disposition,
    parse_storage_setting,
    s3_client,
)
from portal.kits.upload_cleanup import RollbackAwareUploads

__all__ = [
    "LocalUploads",
    "S3Uploads",
    "UploadStorage",
    "attachment_response",
    "current_uploads",
    "new_upload_key",
    "read_upload",
    "send_upload",
    "sniff_media_type",
    "store_upload",
    "uploads_from_config",
]

EXTENSION_KEY = "upload_storage"
# A generated key: 32 hex characters and an extension of our choosing (see new_upload_key).
UPLOAD_KEY = re.compile(r"[0-9a-f]{32}\.[a-z]{3,4}")
CHUNK_BYTES = 64 * 1024
_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/csv": "csv"}


def sniff_media_type(data: bytes) -> str | None:
    """The file's type from its first bytes (never its name): PDF, PNG, JPEG or CSV text.

    The binary kinds are recognised by `portal.kits.sniff` (the one place uploads are typed);
    CSV means UTF-8 text without control characters other than tab and line breaks; anything
    else is None (refused).
    """
    kind = sniff(data)
    if kind in (PDF, PNG, JPEG):
        return kind.media_type
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "text/csv"
    return None


def store_upload(data: bytes, media_type: str) -> str:
    """Store bytes of a type sniff_media_type gave under a new generated key; the key."""
    key = new_upload_key(_EXTENSIONS[media_type])
    current_uploads().put(key, data, media_type)
    return key


def read_upload(key: str) -> bytes | None:
    """A stored upload's bytes, or None when it is missing (small files: directory logos)."""
    return current_uploads().get(key)


def send_upload(key: str, download_name: str, media_type: str) -> Response:
    """The stored upload as an attachment that no browser renders or sniffs."""
    return current_uploads().send(key, download_name, media_type)


def new_upload_key(extension: str) -> str:
    """A fresh storage name: 128 random bits and the extension the sniffed type gives."""
    key = f"{secrets.token_hex(16)}.{extension}"
    if not UPLOAD_KEY.fullmatch(key):
        raise ValueError(f"not an upload extension: {extension!r}")
    return key


def attachment_response(
    chunks: Iterator[bytes] | bytes, download_name: str, media_type: str, size: int | None
) -> Response:
    """A download that no browser renders or sniffs, and that no cache keeps."""
    response = Response(chunks, mimetype=media_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Even if a browser ignored the attachment, the file could run no script on our origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    if size is not None:
        response.content_length = size
    return response


class UploadStorage(Protocol):
    """Keep uploaded files under generated keys and deliver them as attachments."""

    @property
    def description(self) -> str: ...

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Store the bytes under `key`; raises StorageUnavailable."""
        ...

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when nothing is stored under the key."""
        ...

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        """The file as an attachment; NotFound when it is gone, StorageUnavailable."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file (nothing happens when it is already gone); raises StorageUnavailable."""
        ...


def _checked(key: str) -> str:
    if not UPLOAD_KEY.fullmatch(key):
        raise NotFound()
    return key


class LocalUploads:
    """Uploaded files in one folder on the app's disk."""

    description = "local"

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Write the file; the key is random, so it never replaces another."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with (self.root / _checked(key)).open("xb") as out:
                out.write(data)
        except OSError as exc:
            raise StorageUnavailable(f"{self.root}: {exc}") from exc

    def get(self, key: str) -> bytes | None:
        """The stored bytes (small files only: directory logos), or None."""
        path = self.root / _checked(key)
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise StorageUnavailable(f"{self.root}: {exc}") from exc

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        """Stream the file from disk."""
        path = self.root / _checked(key)
        if not path.is_file():
            raise NotFound()
        size = path.stat().st_size

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as source:
                while chunk := source.read(CHUNK_BYTES):
                    yield chunk

        return attachment_response(chunks(), download_name, media_type, size)

    def delete(self, key: str) -> None:
        """Remove the file from disk (a missing file is already deleted)."""
        try:
            (self.root / _checked(key)).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"{self.root}: {exc}") from exc


class S3Uploads:
    """Uploaded files in the kit bucket under `prefix/uploads/<key>`, streamed by the app."""

    def __init__(self, bucket: str, prefix: str, client: Any):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{self.object_key('')}"

    def object_key(self, key: str) -> str:
        """The object's key in the bucket."""
        return "/".join(p for p in (self.prefix, "uploads", key) if p)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Upload the bytes with their (sniffed) type."""
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.object_key(_checked(key)),
                Body=data,
                ContentType=media_type,
                ContentDisposition="attachment",
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc

    def get(self, key: str) -> bytes | None:
        """The stored bytes (small files only: directory logos), or None."""
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.object_key(_checked(key)))
            return bytes(found["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        """Stream the object through the app, with the portal's download headers."""
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.object_key(_checked(key)))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound() from exc
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        body = found["Body"]
        return attachment_response(
            body.iter_chunks(CHUNK_BYTES), download_name, media_type, found.get("ContentLength")
        )

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers success for a key that is not there)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(_checked(key)))
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc


def uploads_from_config(config: Mapping[str, Any]) -> UploadStorage:
    """The upload storage that ASSET_STORAGE implies (same setting, same bucket)."""
    bucket, prefix = parse_storage_setting(str(config.get("ASSET_STORAGE") or "local"))
    if not bucket:
        return LocalUploads(Path(str(config["UPLOAD_DIR"])))
    client = s3_client(
        str(config.get("S3_ENDPOINT_URL") or ""), str(config.get("AWS_REGION") or "us-east-1")
    )
    return S3Uploads(bucket, prefix, client)


def current_uploads() -> UploadStorage:
    """The app's upload storage, chosen at start; a file stored through it is deleted again
    when the session's transaction ends without a commit (upload_cleanup.py)."""
    return RollbackAwareUploads(current_app.extensions[EXTENSION_KEY], db.session())
