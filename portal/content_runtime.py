"""The content index inside the running app: load at start, swap on reload.

The engine itself (`portal.content`) knows nothing of Flask; this module is the glue. The
`flask content` commands live in portal/content_cli.py, above the features they check.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from portal.content import ContentError, ContentIndex, load_content
from portal.content.files import content_fingerprint
from portal.content.model import Brand, ContentProblem
from portal.db_types import utcnow

EXTENSION_KEY = "content_store"
# The debug banner lists this many problems, then says how many more `flask content check`
# reports (a broken rename can produce hundreds of link errors).
BANNER_PROBLEMS = 20


@dataclass(frozen=True)
class FailedEdit:
    """A newer edit of the content directory that did not load: the portal still serves the
    last good index (its version is `ContentIndex.version`) until the edit is fixed."""

    problems: tuple[ContentProblem, ...]
    noticed_at: datetime

    @property
    def shown(self) -> tuple[ContentProblem, ...]:
        return self.problems[:BANNER_PROBLEMS]

    @property
    def more(self) -> int:
        return max(len(self.problems) - BANNER_PROBLEMS, 0)


class ContentStore:
    """Holds the current ContentIndex; a reload builds a new one and swaps it in atomically.

    The index arrives with its Markdown already rendered, so requests only read it.
    """

    # Check the directory for changes at most this often (development auto-reload).
    RELOAD_CHECK_SECONDS = 1.0

    def __init__(self, root: Path, auto_reload: bool):
        self.root = root
        self.auto_reload = auto_reload
        self._reloading = threading.Lock()
        self._index = load_content(root)
        self._fingerprint = content_fingerprint(root) if auto_reload else ""
        self._checked_at = time.monotonic()
        self._failed_edit: FailedEdit | None = None

    @property
    def index(self) -> ContentIndex:
        return self._index

    @property
    def failed_edit(self) -> FailedEdit | None:
        """The newest edit, when it failed to load; None once an edit loads again."""
        return self._failed_edit

    def reload_if_changed(self) -> None:
        """Rebuild the index when a file changed; keep the old one if the new content is broken.

        One request at a time checks and reloads; any other request meanwhile carries on with
        the current index instead of waiting for the new one to be built and rendered.
        """
        now = time.monotonic()
        if now - self._checked_at < self.RELOAD_CHECK_SECONDS:
            return
        if not self._reloading.acquire(blocking=False):
            return
        try:
            self._checked_at = now
            fingerprint = content_fingerprint(self.root)
            if fingerprint == self._fingerprint:
                return
            self._fingerprint = fingerprint
            try:
                self._index = load_content(self.root)
            except ContentError as exc:
                # Kept until an edit loads: the fingerprint is unchanged until the next edit,
                # so the same broken files are not loaded again on every request.
                self._failed_edit = FailedEdit(tuple(exc.problems), utcnow())
                current_app.logger.error(
                    "content reload failed, keeping the last good index:\n%s", exc
                )
                return
            self._failed_edit = None
            current_app.logger.info("content reloaded, version %s", self._index.version)
        finally:
            self._reloading.release()


def current_content() -> ContentIndex:
    """The content index the current request should use."""
    return current_app.extensions[EXTENSION_KEY].index


def current_brand() -> Brand:
    """The vendor's brand from the current content (named after the vendor when it has none)."""
    content = current_content()
    return content.brand or Brand(name=content.program.vendor or "Partner")


def failed_edit() -> FailedEdit | None:
    """A newer edit of the content that failed to load, if any (see FailedEdit)."""
    store: ContentStore = current_app.extensions[EXTENSION_KEY]
    return store.failed_edit


def _reload_hook() -> None:
    current_app.extensions[EXTENSION_KEY].reload_if_changed()


def _banner_context() -> dict[str, Any]:
    """In debug mode every page shows a failed edit's problems (templates/_content_banner.html),
    so an editor sees at once why the change is not on the page; never in production."""
    return {"content_failed_edit": failed_edit() if current_app.debug else None}


def init_app(app: Flask) -> None:
    """Load the content index, refusing to start on invalid content, with the same messages
    as `flask content check` (a plugin command, so it runs even when the app cannot start)."""
    root = Path(app.config["CONTENT_DIR"])
    try:
        store = ContentStore(root, auto_reload=app.config["CONTENT_AUTO_RELOAD"])
    except ContentError as exc:
        raise SystemExit(
            f"The content directory {root} is invalid; the portal will not start.\n{exc}"
        ) from exc
    app.extensions[EXTENSION_KEY] = store
    if store.auto_reload:
        app.before_request(_reload_hook)
    app.context_processor(_banner_context)
