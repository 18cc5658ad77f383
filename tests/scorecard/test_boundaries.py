"""The scorecard is a reporting layer above the features: it reads them, none imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).parents[2] / "portal"
# The app factory registers the layer; portal/models.py lists its table and indexes for Alembic.
ALLOWED = {PORTAL / "__init__.py", PORTAL / "models.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_feature_imports_the_scorecard() -> None:
    offenders = [
        str(path.relative_to(PORTAL.parent))
        for path in sorted(PORTAL.rglob("*.py"))
        if path not in ALLOWED
        and path.relative_to(PORTAL).parts[0] != "scorecard"
        and any(name.startswith("portal.scorecard") for name in _imports(path))
    ]
    assert offenders == []


def test_the_home_reaches_tier_standing_only_through_its_tier_card_door() -> None:
    for path in sorted((PORTAL / "main").rglob("*.py")):
        assert not any(name.startswith("portal.standing") for name in _imports(path)), path.name
