"""Walking CONTENT_DIR: every file listed once, binary files streamed into their hashes, text
files read and decoded.

Nothing here knows what a file means; the loader decides which files are text and which are
kit assets, and collects the problems reported here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portal.content.kits import Asset

# Kit files (and anything else not parsed) are hashed in chunks of this size, never held whole.
CHUNK_BYTES = 1 << 20
# Files the engine parses (Markdown, YAML) are read whole, so they are capped.
MAX_TEXT_BYTES = 2 << 20


@dataclass
class Listing:
    """The files under the content root, and what could not be looked at."""

    files: list[tuple[str, os.DirEntry[str]]] = field(default_factory=list)  # (rel, entry)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (rel, problem message)
    unreadable_folders: list[tuple[str, str]] = field(default_factory=list)  # the same


def list_files(root: Path) -> Listing:
    """Every non-hidden file under `root` as (relative posix path, entry), unsorted.

    An entry or a folder that cannot be examined (a symlink loop, no permission) is collected,
    never raised; only an unreadable `root` itself raises OSError.
    """
    listing = Listing()
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as exc:
            if not prefix:
                raise
            message = f"cannot read the folder: {reason(exc)}"
            listing.unreadable_folders.append((prefix[:-1], message))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{prefix}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):  # no symlinked folders: no cycles
                    stack.append((Path(entry.path), f"{rel}/"))
                elif entry.is_file(follow_symlinks=True):
                    listing.files.append((rel, entry))
            except OSError as exc:  # e.g. ELOOP: a symlink that leads back to itself
                listing.unreadable.append((rel, f"cannot read the file: {reason(exc)}"))
    return listing


def reason(exc: OSError) -> str:
    """Why a file could not be read, as a problem message shows it."""
    return exc.strerror or str(exc)


def content_fingerprint(root: Path) -> str:
    """A cheap change detector: hash of every file's relative path, mtime and size."""
    hasher = hashlib.sha256()
    try:
        listing = list_files(Path(root))
    except OSError:
        return "missing"
    unreadable = listing.unreadable + listing.unreadable_folders
    lines = [f"{rel}\0unreadable\0{message}\n" for rel, message in unreadable]
    for rel, entry in listing.files:
        try:
            stat = entry.stat(follow_symlinks=True)
        except OSError as exc:
            lines.append(f"{rel}\0unreadable\0{reason(exc)}\n")
            continue
        lines.append(f"{rel}\0{stat.st_mtime_ns}\0{stat.st_size}\n")
    for line in sorted(lines):
        hasher.update(line.encode())
    return hasher.hexdigest()


def stream(
    path: str, rel: str, hasher: hashlib._Hash, buffer: bytearray, digest: hashlib._Hash | None
) -> Asset:
    """Feed the file to the version `hasher` (and `digest`) in chunks of `buffer`'s size."""
    view = memoryview(buffer)
    size = 0
    with open(path, "rb", buffering=0) as file:
        hasher.update(f"{rel}\0{os.fstat(file.fileno()).st_size}\0".encode())
        while count := file.readinto(buffer):
            chunk = view[:count]
            hasher.update(chunk)
            if digest is not None:
                digest.update(chunk)
            size += count
    return Asset(size, digest.hexdigest() if digest is not None else "")


def read_text(
    path: str, rel: str, hasher: hashlib._Hash, report: Callable[[str, int, str], None]
) -> str | None:
    """A small text file read whole and decoded, or None after reporting why it is unusable
    (over MAX_TEXT_BYTES, or not UTF-8). Line endings are normalised to newlines."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        data = file.read() if size <= MAX_TEXT_BYTES else b""
    if size > MAX_TEXT_BYTES or len(data) > MAX_TEXT_BYTES:
        report(
            rel,
            1,
            f"the file is too large: {max(size, len(data)):,} bytes "
            f"(a text content file may be at most {MAX_TEXT_BYTES // 2**20} MB)",
        )
        return None
    hasher.update(f"{rel}\0{len(data)}\0".encode())
    hasher.update(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report(rel, line, "the file is not valid UTF-8 text")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_small(
    path: str, rel: str, hasher: hashlib._Hash, limit: int, report: Callable[[str, int, str], None]
) -> bytes | None:
    """A small binary file (a logo, a favicon) read whole, or None after reporting it is
    larger than `limit` bytes."""
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        report(rel, 1, f"the file is too large: a brand file may be at most {limit // 1024} KB")
        return None
    hasher.update(f"{rel}\0{len(data)}\0".encode())
    hasher.update(data)
    return data
