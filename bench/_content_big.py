"""A content directory whose one learning module is 894 KB of Markdown.

A module that size once took 6.6 s to render on first view, and every other request that needed
rendering waited behind it. bench/content.py loads it (the rendering now happens there) and
times the module's page.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench._content import ContentShape, _lesson, generate_content, module_id, path_id

BIG_MODULE_BYTES = 894_000
_SHAPE = ContentShape(paths=1, modules=1, questions=2)


def write_big_module_content(root: Path, seed: int) -> str:
    """Write the content directory under `root` (replacing it); the big module's URL."""
    generate_content(root, seed, _SHAPE)
    module = root / "learning" / path_id(1) / f"01-{module_id(1)}.md"
    parts = [module.read_text().rstrip("\n")]
    size = len(parts[0].encode())
    rng = random.Random(seed)
    while size < BIG_MODULE_BYTES:
        part = _lesson(rng, 1, 1, _SHAPE)
        parts.append(part)
        size += len(part.encode()) + 2
    module.write_text("\n\n".join(parts) + "\n")
    return f"/learn/{path_id(1)}/{module_id(1)}"
