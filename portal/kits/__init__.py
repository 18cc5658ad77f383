"""Co-marketing kits: the library, downloads from local disk or S3, co-branded templates."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.config import ConfigError


def init_app(app: Flask) -> None:
    """Register the blueprint; choose the asset storage (an unknown ASSET_STORAGE stops start)."""
    from portal.kits import storage, upload_cleanup, uploads, views

    try:
        app.extensions[storage.EXTENSION_KEY] = storage.storage_from_config(
            app.config, Path(app.config["CONTENT_DIR"])
        )
        app.extensions[uploads.EXTENSION_KEY] = uploads.uploads_from_config(app.config)
    except storage.StorageConfigError as exc:
        raise ConfigError(str(exc)) from exc
    upload_cleanup.listen()
    app.register_blueprint(views.bp)
