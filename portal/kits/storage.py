"""Where kit files are served from: the content directory, or an S3 bucket.

One small interface (`AssetStorage`) with two implementations chosen by `ASSET_STORAGE`:
`local` streams the file from `CONTENT_DIR/kits/<kit>/files/`; `s3://bucket/prefix` answers a
redirect to a short-lived presigned URL for the object `prefix/<sha256>/<name>`, uploaded
beforehand by `flask content sync-assets`. Nothing here reads the request or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app, redirect, send_file
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from portal.content.library import Kit, KitFile

__all__ = [
    "AssetStorage",
    "LocalStorage",
    "S3Storage",
    "StorageConfigError",
    "StorageUnavailable",
    "SyncReport",
    "content_disposition",
    "current_storage",
    "storage_from_config",
]

EXTENSION_KEY = "asset_storage"

# A kit file's name as the content format allows it: a plain name, never a path.
FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
# An unreachable bucket must fail a download quickly, not hang a worker.
S3_CONNECT_TIMEOUT_SECONDS = 2
S3_READ_TIMEOUT_SECONDS = 5
S3_TOTAL_MAX_ATTEMPTS = 2


class StorageUnavailable(Exception):
    """The storage cannot serve or list files right now (unreachable, refused, misconfigured)."""


class StorageConfigError(ValueError):
    """ASSET_STORAGE does not name a storage we know."""


@dataclass
class SyncReport:
    """What `sync` did: files uploaded, and files already in the bucket (by content hash)."""

    uploaded: list[KitFile] = field(default_factory=list)
    skipped: list[KitFile] = field(default_factory=list)


class AssetStorage(Protocol):
    """Serve kit files, and tell which are missing / put them in place."""

    @property
    def description(self) -> str:
        """e.g. "local" or "s3://bucket/prefix", for messages."""
        ...

    def send(self, kit: Kit, file: KitFile) -> Response:
        """The response that delivers the file; raises StorageUnavailable."""
        ...

    def read(self, kit: Kit, file: KitFile) -> bytes:
        """The file's bytes (for a kit's zip); raises StorageUnavailable."""
        ...

    def missing(self, files: Iterable[KitFile]) -> list[KitFile]:
        """The files the storage cannot serve; raises StorageUnavailable."""
        ...

    def sync(self, files: Iterable[KitFile]) -> SyncReport:
        """Put every file the storage is missing in place; raises StorageUnavailable."""
        ...


def content_disposition(name: str) -> str:
    """An RFC 6266 `attachment` header value, with an RFC 5987 `filename*` for non-ASCII names."""
    ascii_name = name.encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name) or "download"
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"
    return value


def local_path(content_root: Path, kit_id: str, name: str, folder: str = "files") -> Path | None:
    """The file `kits/<kit_id>/<folder>/<name>` under the root, or None if it would leave that
    folder (`folder`: files, or previews for the thumbnails).

    Names come from the content index, but a symlink or an odd name must still never reach a
    file outside the kit's own folder.
    """
    if not FILE_NAME.fullmatch(kit_id) or not FILE_NAME.fullmatch(name):
        return None
    kits_dir = (content_root / "kits").resolve()
    files_dir = (content_root / "kits" / kit_id / folder).resolve()
    if not files_dir.is_relative_to(kits_dir):
        return None
    target = (files_dir / name).resolve()
    if target.parent != files_dir or not target.is_file():
        return None
    return target


def _kit_id_of(file: KitFile) -> str:
    """The kit id from a file's content path `kits/<kit>/files/<name>` ("" when malformed)."""
    parts = file.path.split("/")
    if len(parts) == 4 and parts[0] == "kits" and parts[2] == "files" and parts[3] == file.name:
        return parts[1]
    return ""


class LocalStorage:
    """Streams kit files from the content directory."""

    description = "local"

    def __init__(self, content_root: Path):
        self.content_root = Path(content_root)

    def send(self, kit: Kit, file: KitFile) -> Response:
        """The file as an attachment with its type; never cached.

        Every download is an engagement event, and partner material must not outlive the
        session in a browser cache, so the app-wide `no-store` applies.
        """
        path = local_path(self.content_root, kit.id, file.name)
        if path is None:
            raise NotFound()
        response = send_file(
            path,
            mimetype=file.media_type,
            as_attachment=True,
            download_name=file.name,
            etag=False,
            conditional=False,
        )
        return response

    def read(self, kit: Kit, file: KitFile) -> bytes:
        """The file's bytes from the content directory."""
        path = local_path(self.content_root, kit.id, file.name)
        if path is None:
            raise NotFound()
        return path.read_bytes()

    def missing(self, files: Iterable[KitFile]) -> list[KitFile]:
        """Files the index lists but the content directory no longer holds."""
        return [f for f in files if local_path(self.content_root, _kit_id_of(f), f.name) is None]

    def sync(self, files: Iterable[KitFile]) -> SyncReport:
        """Nothing to upload: the content directory is the storage."""
        return SyncReport(skipped=list(files))


class S3Storage:
    """Kit files in a bucket under `prefix/<sha256>/<name>`, served by presigned URLs."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        client: Any,
        *,
        content_root: Path | None = None,
        url_seconds: int = 300,
    ):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self.content_root = Path(content_root) if content_root is not None else None
        self.url_seconds = url_seconds

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, file: KitFile) -> str:
        """The object key: the content hash keeps versions apart, the name keeps it readable."""
        return "/".join(p for p in (self.prefix, file.sha256, file.name) if p)

    def send(self, kit: Kit, file: KitFile) -> Response:
        """A 302 to a presigned GET URL, after checking the object is there (a quick HEAD)."""
        key = self.key(file)
        if not self._exists(key):
            raise StorageUnavailable(f"{self.description}: {key} is not in the bucket")
        try:
            url = self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": content_disposition(file.name),
                    "ResponseContentType": file.media_type,
                },
                ExpiresIn=self.url_seconds,
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        response = redirect(url, code=302)
        # The URL expires: never cache the redirect.
        response.cache_control.no_store = True
        return response

    def read(self, kit: Kit, file: KitFile) -> bytes:
        """The object's bytes, fetched from the bucket."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(file))["Body"]
            return bytes(body.read())
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc

    def missing(self, files: Iterable[KitFile]) -> list[KitFile]:
        """Files whose object is not in the bucket (each distinct key is asked once)."""
        self._check_bucket()
        known: dict[str, bool] = {}
        result = []
        for file in files:
            key = self.key(file)
            if key not in known:
                known[key] = self._exists(key)
            if not known[key]:
                result.append(file)
        return result

    def sync(self, files: Iterable[KitFile]) -> SyncReport:
        """Upload the files the bucket lacks; the same content is uploaded once."""
        if self.content_root is None:
            raise StorageUnavailable("no content directory to upload from")
        self._check_bucket()
        report = SyncReport()
        done: set[str] = set()
        for file in files:
            key = self.key(file)
            if key in done or self._exists(key):
                report.skipped.append(file)
                continue
            self._upload(file, key)
            done.add(key)
            report.uploaded.append(file)
        return report

    def _upload(self, file: KitFile, key: str) -> None:
        assert self.content_root is not None
        path = local_path(self.content_root, _kit_id_of(file), file.name)
        if path is None:
            raise StorageUnavailable(f"{file.path}: not found in {self.content_root}")
        try:
            with path.open("rb") as body:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentType=file.media_type
                )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"{self.description}: uploading {key}: {exc}") from exc

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _status(exc) == 404:
                return False
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc
        return True

    def _check_bucket(self) -> None:
        """Fail with one clear message when the bucket is missing, forbidden or unreachable."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            reason = {404: "the bucket does not exist", 403: "access denied"}.get(
                _status(exc), str(exc)
            )
            raise StorageUnavailable(f"{self.description}: {reason}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{self.description}: {exc}") from exc


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def parse_storage_setting(value: str) -> tuple[str, str]:
    """ASSET_STORAGE as (bucket, prefix) for `s3://bucket/prefix`, or ("", "") for `local`."""
    value = (value or "local").strip()
    if value == "local":
        return "", ""
    match = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?", value)
    if not match:
        raise StorageConfigError(
            f"ASSET_STORAGE must be 'local' or 's3://bucket/prefix'; got {value!r}"
        )
    return match.group(1), (match.group(2) or "").strip("/")


def s3_client(endpoint_url: str, region: str) -> Any:
    """A boto3 S3 client with short timeouts and few retries (credentials: boto3's chain)."""
    # Imported here: boto3 costs every web worker about 9 MB, and only S3 storage needs it.
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        region_name=region or None,
        endpoint_url=endpoint_url or None,
        config=BotoConfig(
            signature_version="s3v4",
            connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=S3_READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": S3_TOTAL_MAX_ATTEMPTS},
            # A custom endpoint (MinIO, moto, a gateway) rarely serves virtual-host buckets.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        ),
    )


def storage_from_config(config: Mapping[str, Any], content_root: Path) -> AssetStorage:
    """The storage ASSET_STORAGE names, from app config or the environment (same keys)."""
    bucket, prefix = parse_storage_setting(str(config.get("ASSET_STORAGE") or "local"))
    if not bucket:
        return LocalStorage(content_root)
    client = s3_client(
        str(config.get("S3_ENDPOINT_URL") or ""), str(config.get("AWS_REGION") or "us-east-1")
    )
    return S3Storage(
        bucket,
        prefix,
        client,
        content_root=content_root,
        url_seconds=_positive_int(config.get("ASSET_URL_SECONDS"), "ASSET_URL_SECONDS", 300),
    )


def _positive_int(raw: Any, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise StorageConfigError(f"{name} must be a whole number of seconds; got {raw!r}") from exc
    if value <= 0:
        raise StorageConfigError(f"{name} must be at least 1; got {value}")
    return value


def current_storage() -> AssetStorage:
    """The app's asset storage, chosen at start from ASSET_STORAGE."""
    return current_app.extensions[EXTENSION_KEY]
