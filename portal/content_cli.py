"""`flask content check` and `flask content sync-assets`.

A plugin command group (pyproject's flask.commands entry point), so `check` runs even when the app
cannot start. It sits above the content runtime and the kits feature, whose asset checks it runs:
the runtime itself imports no feature.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.config import PROJECT_ROOT
from portal.content import ContentError, load_content
from portal.content_runtime import current_content
from portal.kits.cli import report_missing_assets, sync_assets
from portal.kits.storage import current_storage


@click.group("content", cls=AppGroup)
def content_cli() -> None:
    """Check and manage the content directory."""


@content_cli.command("check", with_appcontext=False)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(directory: Path | None) -> None:
    """Validate DIRECTORY (default CONTENT_DIR): print every error and exit 1, or a summary."""
    root = directory or Path(os.environ.get("CONTENT_DIR") or PROJECT_ROOT / "content")
    try:
        index = load_content(root)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} error(s) in {root}", err=True)
        sys.exit(1)
    # With ASSET_STORAGE=s3://... in the environment: every kit file must be in the bucket.
    if report_missing_assets(index, root, os.environ):
        sys.exit(1)
    modules = sum(len(p.modules) for p in index.paths.values())
    click.echo(
        f"content ok: {len(index.pages)} pages, {len(index.checklists)} checklists, "
        f"{len(index.paths)} learning paths, {modules} modules, {len(index.kits)} kits, "
        f"{len(index.playbooks)} playbooks (version {index.version})"
    )


@content_cli.command("sync-assets")
def sync_assets_command() -> None:
    """Upload every kit file to the ASSET_STORAGE bucket by content hash; skip what is there."""
    sys.exit(sync_assets(current_content(), current_storage()))
