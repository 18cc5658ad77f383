"""htmx attributes are written as data-hx-*: valid HTML, and htmx reads them the same way."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "portal" / "templates"
# An attribute in markup (` hx-get=`) or a key of an attribute mapping passed to a macro
# (`"hx-get": ...`).
BARE = re.compile(r"""\shx-[a-z-]+=|["']hx-[a-z-]+["']\s*:""")


def test_no_template_uses_a_bare_hx_attribute() -> None:
    bare = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE.search(line)
    ]
    assert bare == [], "write data-hx-* (valid HTML) instead of hx-*"
