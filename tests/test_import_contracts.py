"""The architecture contracts: the custom `public_modules` contract catches what it should, and
the portal keeps every contract in pyproject.toml (the same check as `lint-imports` in CI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from tools.import_contracts import PublicModulesContract

ROOT = Path(__file__).resolve().parents[1]


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in (
        "shop",
        "shop.orders",
        "shop.orders.api",
        "shop.orders.rules",
        "shop.orders.models",
        "shop.billing",
        "shop.billing.views",
        "shop.reports",
        "shop.reports.sales",
    ):
        graph.add_module(module)
    for number, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(
            importer=importer,
            imported=imported,
            line_number=number,
            line_contents=f"import {imported}",
        )
    return graph


def _check(graph: grimp.ImportGraph, **options: list[str]) -> list[str]:
    contract = PublicModulesContract(
        name="doors",
        session_options={},
        contract_options={
            "features": ["shop.orders", "shop.billing"],
            "public": ["shop.orders.api"],
            **options,
        },
    )
    check = contract.check(graph, verbose=False)
    found = [f"{b['importer']} -> {b['imported']}" for b in check.metadata["broken"]]
    assert check.kept == (not found and not check.metadata["missing"])
    return found


def test_a_feature_may_use_another_through_its_public_module() -> None:
    graph = _graph(
        ("shop.billing.views", "shop.orders.api"), ("shop.orders.api", "shop.orders.rules")
    )
    assert _check(graph) == []


def test_reaching_into_another_feature_breaks_the_contract() -> None:
    graph = _graph(("shop.billing.views", "shop.orders.rules"))
    assert _check(graph) == ["shop.billing.views -> shop.orders.rules"]


def test_a_declared_shared_module_is_open_to_that_package_only() -> None:
    graph = _graph(
        ("shop.billing.views", "shop.orders.models"), ("shop.reports.sales", "shop.orders.models")
    )
    found = _check(graph, shared=["shop.billing -> shop.orders.models"])
    assert found == ["shop.reports.sales -> shop.orders.models"]


def test_the_layer_above_may_read_any_feature_module() -> None:
    graph = _graph(("shop.reports.sales", "shop.orders.models"))
    assert _check(graph, above=["shop.reports"]) == []


def test_a_public_module_that_does_not_exist_is_reported() -> None:
    contract = PublicModulesContract(
        name="doors",
        session_options={},
        contract_options={"features": ["shop.orders"], "public": ["shop.orders.door"]},
    )
    check = contract.check(_graph(), verbose=False)
    assert not check.kept
    assert check.metadata["missing"] == ["shop.orders.door"]


def test_the_portal_keeps_its_architecture_contracts() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
