"""Content load figures for bench/content.py: the rendering's share, and a worker's memory.

The memory is measured in a fresh process (`python -m bench._content_load CONTENT_DIR`), so
nothing the bench did before counts: it starts the app on the content as a gunicorn worker
does (load, validation, rendering, search index), loads the demo content as well, and prints
its times and memory (VmRSS now, VmHWM its peak) as one line of JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal.content import ContentIndex, load_content  # noqa: E402
from portal.content.rendering import forget_rendered_html, render_index  # noqa: E402

DEMO_CONTENT = ROOT / "content"


def rendering_seconds(index: ContentIndex) -> tuple[int, int, float]:
    """Render every Markdown text of `index` again from scratch: (texts, UTF-8 bytes, seconds)."""
    texts = {p.body for p in index.pages.values()}
    for checklist in index.checklists.values():
        texts |= {checklist.intro, *(step.description for step in checklist.steps)}
    for path in index.paths.values():
        texts |= {path.intro, *(module.body for module in path.modules)}
    texts |= {k.body for k in index.kits.values()} | {p.body for p in index.playbooks.values()}
    texts = {text for text in texts if text.strip()}
    forget_rendered_html()
    started = time.perf_counter()
    render_index(index)
    elapsed = time.perf_counter() - started
    return len(texts), sum(len(text.encode()) for text in texts), elapsed


def worker_memory_figures(content_dir: Path) -> dict[str, Any] | str:
    """Run the fresh process on `content_dir`: its figures, or what went wrong."""
    done = subprocess.run(
        [sys.executable, "-m", "bench._content_load", str(content_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return f"exit code {done.returncode}\n{done.stdout}{done.stderr}"
    return json.loads(lines[-1])


def worker_memory(content_dir: Path) -> int:
    """Start the app on `content_dir`, load the demo content, print the figures as JSON."""
    from portal import create_app
    from portal.content_runtime import EXTENSION_KEY

    database = Path(tempfile.mkdtemp(prefix="flywheel-worker-")) / "worker.sqlite"
    try:
        started = time.perf_counter()
        app = create_app(
            {
                "SECRET_KEY": os.environ.get("SECRET_KEY", "flywheel-bench-secret"),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "CONTENT_DIR": str(content_dir),
                "CONTENT_AUTO_RELOAD": False,
            }
        )
        start_s = time.perf_counter() - started
        started = time.perf_counter()
        demo = load_content(DEMO_CONTENT)
        demo_s = time.perf_counter() - started
    finally:
        shutil.rmtree(database.parent, ignore_errors=True)
    # VmHWM, not getrusage's ru_maxrss: after fork + exec, ru_maxrss still counts the bench
    # process this one was started from.
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    served = app.extensions[EXTENSION_KEY].index  # both indexes are still held here
    figures = {"start_s": start_s, "demo_s": demo_s}
    for name, field in (("rss_mb", "VmRSS"), ("peak_mb", "VmHWM")):
        figures[name] = int(status[field].split()[0]) / 1024  # the kernel gives kB
    print(json.dumps(figures))
    return 0 if served.paths and demo.paths else 1


if __name__ == "__main__":
    sys.exit(worker_memory(Path(sys.argv[1])))
