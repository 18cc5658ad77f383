"""The worst-case library of issue 14: the 2,000 documents plus ten 1 MB pages, many images
and many links between documents.

Each big page is `pages/worst-NN.md`: lesson-like sections, each with a heading, an image with
alt text (one of IMAGES small PNGs in `images/`, or an SVG beside a module), a link to another
big page's section by its `.md` path and anchor, and the usual portal links. Everything is
valid: the load runs every check (sanitiser report, images, `.md` links, anchors) in full.
"""

from __future__ import annotations

import random
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from bench._content import ContentShape, _lesson, path_id

BIG_PAGES = 10
BIG_PAGE_BYTES = 1_000_000
IMAGES = 400
LOAD_BUDGET_S = 2.0  # as bench/content.py: the budget is unchanged for the worst case
RSS_BUDGET_MB = 150.0
_SHAPE = ContentShape(paths=30, modules=20, questions=2)
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
    '<rect width="40" height="20" fill="#0b5cad"/></svg>\n'
)


def _png(seed: int) -> bytes:
    """A tiny valid PNG (8 x 8, one colour from `seed`)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    colour = bytes([seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    rows = b"".join(b"\x00" + colour * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def add_worst_case(root: Path, seed: int) -> dict[str, int]:
    """Add the big pages and images to the generated library under `root`; what was added."""
    rng = random.Random(seed + 14)
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    for number in range(1, IMAGES + 1):
        (images / f"diagram-{number:03d}.png").write_bytes(_png(number))
    beside = root / "learning" / path_id(1)
    (beside / "diagram.svg").write_text(_SVG)
    links = image_refs = 0
    for page in range(1, BIG_PAGES + 1):
        parts = [f"---\ntitle: Worst case {page}\nsummary: A 1 MB page.\n---"]
        size = len(parts[0])
        section = 0
        other = page % BIG_PAGES + 1
        while size < BIG_PAGE_BYTES:
            section += 1
            image = rng.randint(1, IMAGES)
            part = "\n\n".join(
                [
                    f"# Part {section}",
                    _lesson(rng, 1, 1, _SHAPE).split("\n\n", 1)[1],
                    f"![Diagram {image} of the referral flow](../images/diagram-{image:03d}.png)",
                    f"See [part 1 of page {other}](worst-{other:02d}.md#part-1) and "
                    f"[the path's diagram](../learning/{path_id(1)}/path.md).",
                ]
            )
            parts.append(part)
            size += len(part.encode()) + 2
            links += 2
            image_refs += 1
        (root / "pages" / f"worst-{page:02d}.md").write_text("\n\n".join(parts) + "\n")
    return {"pages": BIG_PAGES, "images": IMAGES + 1, "image_refs": image_refs, "md_links": links}


def measure_worst_case(workdir: Path, seed: int, report: Any, base: Any) -> None:
    """Load (every check included) and a fresh worker's memory on the worst-case library.

    `base` is the base library's ContentShape; `report` is bench/content.py's Report."""
    from bench._content import generate_content
    from bench._content_library import LibraryShape, generate_library
    from bench._content_load import worker_memory_figures
    from portal.content import ContentError, load_content
    from portal.content.rendering import forget_rendered_html

    content_dir = workdir / "content-worst"
    generate_content(content_dir, seed, base)
    generate_library(content_dir, seed, LibraryShape())
    added = add_worst_case(content_dir, seed)
    megabytes = sum(p.stat().st_size for p in content_dir.rglob("*") if p.is_file()) / 1e6
    timings, cpu = [], []
    for _ in range(2):
        forget_rendered_html()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            index = load_content(content_dir)
        except ContentError as exc:
            report.all_passed = False
            report.line(f"FAIL: the worst-case library is invalid:\n{str(exc)[:2000]}")
            return
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    report.line()
    report.budget(
        f"worst case: {len(index.search.docs)} documents, {added['pages']} pages of 1 MB, "
        f"{added['images']} images ({added['image_refs']} uses), {added['md_links']} links "
        f"to .md files, {megabytes:.0f} MB in all: load with every check, best of 2 "
        f"{min(timings):.2f} s (CPU {min(cpu):.2f} s)",
        min(timings),
        LOAD_BUDGET_S,
        "s",
    )
    figures = worker_memory_figures(content_dir)
    if isinstance(figures, str):
        report.all_passed = False
        report.line(f"FAIL: the worker memory process failed:\n{figures}")
        return
    report.budget(
        f"worst case, fresh worker: RSS after load {figures['rss_mb']:.0f} MB "
        f"(peak {figures['peak_mb']:.0f} MB)",
        figures["peak_mb"],
        RSS_BUDGET_MB,
        "MB peak RSS",
    )
