"""The standing layer sits above the features: it may read them, none of them imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).parents[2] / "portal"
# The app factory registers the layer and portal/models.py lists every table for Alembic.
ALLOWED = {PORTAL / "__init__.py", PORTAL / "models.py"}
# The reporting layers above the features (the design's one exception) may read each other:
# portal/scorecard fills the partner home's tier card from the standing.
REPORTING_LAYERS = {"standing", "scorecard", "insights"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_feature_imports_the_standing_layer() -> None:
    offenders = [
        str(path.relative_to(PORTAL.parent))
        for path in sorted(PORTAL.rglob("*.py"))
        if path not in ALLOWED
        and not REPORTING_LAYERS & set(path.relative_to(PORTAL).parts[:1])
        and any(name.startswith("portal.standing") for name in _imports(path))
    ]
    assert offenders == []


def test_the_content_engine_imports_no_flask_and_no_feature() -> None:
    for path in sorted((PORTAL / "content").rglob("*.py")):
        for name in _imports(path):
            assert not name.startswith("flask"), f"{path.name} imports {name}"
            if name.startswith("portal."):
                assert name.startswith(("portal.content", "portal.money")), f"{path.name}: {name}"
