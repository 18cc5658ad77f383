"""`flask content check` and `flask content sync-assets`.

The check also warns (without failing) when the database holds attempts or certificates for
paths, modules, questions or choices the content no longer has (portal.content.history_check).

A plugin command group (pyproject's flask.commands entry point), so `check` runs even when the app
cannot start. It sits above the content runtime and the kits feature, whose asset checks it runs:
the runtime itself imports no feature.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import has_app_context
from flask.cli import AppGroup, NoAppException, ScriptInfo
from sqlalchemy.exc import SQLAlchemyError

from portal.config import PROJECT_ROOT
from portal.content import ContentError, ContentIndex, ContentProblem, load_content
from portal.content.history_check import history_warnings
from portal.content_runtime import current_content
from portal.kits.cli import report_missing_assets, sync_assets
from portal.kits.storage import current_storage
from portal.learning import api as learning_api


@click.group("content", cls=AppGroup)
def content_cli() -> None:
    """Check and manage the content directory."""


@content_cli.command("check", with_appcontext=False)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--history/--no-history",
    default=True,
    help="Also warn about learners' attempts and certificates the content no longer matches "
    "(reads the app's database; skipped with a note when there is none).",
)
def check_command(directory: Path | None, history: bool) -> None:
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
    warnings = _history_warnings(index) if history else []
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
    modules = sum(len(p.modules) for p in index.paths.values())
    noted = f", {len(warnings)} warning(s)" if warnings else ""
    click.echo(
        f"content ok: {len(index.pages)} pages, {len(index.checklists)} checklists, "
        f"{len(index.paths)} learning paths, {modules} modules, {len(index.kits)} kits, "
        f"{len(index.playbooks)} playbooks (version {index.version}){noted}"
    )


def _history_warnings(index: ContentIndex) -> list[ContentProblem]:
    """Warnings about learners' attempts and certificates the content no longer matches, read
    from the app's database; none (with a note) when there is no app or database to ask."""
    try:
        if has_app_context():
            history = learning_api.learner_history()
        else:
            app = click.get_current_context().ensure_object(ScriptInfo).load_app()
            with app.app_context():
                history = learning_api.learner_history()
    # Checking content needs no database: without one, say what was skipped and go on. The app
    # exits (SystemExit) when its own CONTENT_DIR is invalid, which is not this check's verdict.
    except (NoAppException, SQLAlchemyError, OSError, RuntimeError, SystemExit) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        click.echo(f"learner history not checked (no database to read: {reason})", err=True)
        return []
    return history_warnings(index, history)


@content_cli.command("sync-assets")
def sync_assets_command() -> None:
    """Upload every kit file to the ASSET_STORAGE bucket by content hash; skip what is there."""
    sys.exit(sync_assets(current_content(), current_storage()))
