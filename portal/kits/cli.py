"""Kit files on S3 from the command line: `flask content sync-assets` and the bucket check
run by `flask content check` (both commands live on the content group in content_runtime).

Problems print as `path:line: problem`, like every other content error.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from portal.content.library import KitFile
from portal.content.model import ContentIndex
from portal.kits.storage import (
    AssetStorage,
    LocalStorage,
    StorageConfigError,
    StorageUnavailable,
    storage_from_config,
)


def kit_files(index: ContentIndex) -> list[KitFile]:
    """Every file of every kit, in kit order."""
    return [file for kit in index.kits.values() for file in kit.files]


def sync_assets(index: ContentIndex, storage: AssetStorage) -> int:
    """Upload the kit files the storage lacks and print what happened; the exit status."""
    if isinstance(storage, LocalStorage):
        click.echo("ASSET_STORAGE is local: kit files are served from CONTENT_DIR; nothing to do.")
        return 0
    files = kit_files(index)
    try:
        report = storage.sync(files)
    except StorageUnavailable as exc:
        click.echo(f"error: cannot sync kit files: {exc}", err=True)
        return 1
    for file in report.uploaded:
        click.echo(f"uploaded {file.path} ({file.size} bytes, sha256 {file.sha256[:12]})")
    for file in report.skipped:
        click.echo(f"skipped  {file.path} (already in the bucket)")
    click.echo(
        f"{storage.description}: {len(report.uploaded)} uploaded, "
        f"{len(report.skipped)} already there, {len(files)} kit file(s)"
    )
    return 0


def asset_problems(
    index: ContentIndex, content_root: Path, settings: Mapping[str, Any]
) -> list[str]:
    """With ASSET_STORAGE on S3: each kit file missing from the bucket, or why none can be asked."""
    try:
        storage = storage_from_config(settings, content_root)
    except StorageConfigError as exc:
        return [f"error: {exc}"]
    if isinstance(storage, LocalStorage):
        return []  # the loader already checked every listed file exists
    try:
        missing = storage.missing(kit_files(index))
    except StorageUnavailable as exc:
        return [f"kits: cannot check kit files: {exc}"]
    return [
        f"{file.path}:1: missing from {storage.description} (run flask content sync-assets)"
        for file in missing
    ]


def report_missing_assets(
    index: ContentIndex, content_root: Path, settings: Mapping[str, Any]
) -> bool:
    """Print `asset_problems` to stderr; True when there were any (the check then fails)."""
    problems = asset_problems(index, content_root, settings)
    for line in problems:
        click.echo(line, err=True)
    return bool(problems)
