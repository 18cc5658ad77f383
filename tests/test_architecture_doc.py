"""docs/architecture.md says which feature imports which; the code must agree, both ways."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def _features() -> list[str]:
    """The feature packages, as the import contracts in pyproject.toml list them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    doors = next(c for c in contracts if c["type"] == "public_modules")
    return [name.removeprefix("portal.") for name in doors["features"]]


def _documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- feature-imports:start -->")[1].split("<!-- feature-imports:end -->")[0]
    rows: dict[str, set[str]] = {}
    for feature, imports in re.findall(r"^\| (\w+) \| ([^|]*) \|$", table, flags=re.M):
        if feature == "feature":
            continue
        rows[feature] = {name.strip() for name in imports.split(",") if "." in name}
    return rows


def _actual() -> dict[str, set[str]]:
    graph = grimp.build_graph("portal", exclude_type_checking_imports=True)
    rows: dict[str, set[str]] = {feature: set() for feature in _features()}
    for importer in graph.modules:
        parts = importer.split(".")
        if len(parts) < 2 or parts[1] not in rows:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = imported.split(".")
            if len(target) >= 3 and target[1] in rows and target[1] != parts[1]:
                rows[parts[1]].add(".".join(target[1:3]))
    return rows


def test_the_documented_feature_imports_are_the_real_ones() -> None:
    documented, actual = _documented(), _actual()
    stale = [
        f"{feature}: documented, not imported {sorted(documented.get(feature, set()) - real)}; "
        f"imported, not documented {sorted(real - documented.get(feature, set()))}"
        for feature, real in actual.items()
        if documented.get(feature) != real
    ]
    assert sorted(documented) == sorted(actual), "the table lists other features than the code"
    assert stale == [], "update the table in docs/architecture.md:\n" + "\n".join(stale)
