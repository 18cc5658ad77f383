"""A stored upload whose row is never committed is deleted again; a committed one stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db
from portal.kits.api import current_uploads, new_upload_key
from portal.kits.storage import StorageUnavailable
from portal.kits.upload_cleanup import RollbackAwareUploads


def _stored(app: Flask, key: str) -> bool:
    return (Path(app.config["UPLOAD_DIR"]) / key).is_file()


def test_a_file_whose_transaction_commits_is_kept(app: Flask) -> None:
    key = new_upload_key("pdf")
    current_uploads().put(key, b"%PDF-1.4 kept", "application/pdf")
    db.session.execute(sa.text("SELECT 1"))
    db.session.commit()
    assert _stored(app, key)
    assert current_uploads().get(key) == b"%PDF-1.4 kept"


def test_a_file_whose_transaction_rolls_back_is_deleted(app: Flask) -> None:
    key = new_upload_key("pdf")
    current_uploads().put(key, b"%PDF-1.4 orphan", "application/pdf")
    assert _stored(app, key)  # there while the row that names it is being written
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    assert not _stored(app, key)


def test_a_savepoint_rolled_back_inside_a_committed_transaction_keeps_the_file(
    app: Flask,
) -> None:
    key = new_upload_key("png")
    current_uploads().put(key, b"\x89PNG\r\n\x1a\n", "image/png")
    with db.session.begin_nested():
        db.session.execute(sa.text("SELECT 1"))
    nested = db.session.begin_nested()
    nested.rollback()
    db.session.commit()
    assert _stored(app, key)


class _Unreachable:
    description = "unreachable"

    def put(self, key: str, data: bytes, media_type: str) -> None:
        pass

    def delete(self, key: str) -> None:
        raise StorageUnavailable("the bucket does not answer")

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(name)


def test_a_storage_that_cannot_delete_is_logged_not_raised(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    storage = RollbackAwareUploads(_Unreachable(), db.session())  # type: ignore[arg-type]
    storage.put(new_upload_key("pdf"), b"%PDF-", "application/pdf")
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    assert "could not delete the uncommitted upload" in caplog.text
