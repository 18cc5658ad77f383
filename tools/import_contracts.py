"""Import-linter contract: features meet only through the modules each one declares public.

import-linter's own contract types say "A may not import B" or "only these may import B"; none
says "anyone may import B's front door, nobody its rooms". This one does. Configured in
pyproject.toml (`[[tool.importlinter.contracts]]`, type `public_modules`):

- `features`: the feature packages (portal.referrals, ...).
- `public`: the modules other code may import from a feature. A feature's package itself
  (its `__init__`, which only wires the blueprint) is always public.
- `shared`: "portal.inbox -> portal.referrals.models": one package may also import one module
  of another feature (a declared, documented exception).
- `above`: packages above the features (the reporting layer, the demo loader) that may read any
  feature module; a `forbidden` contract keeps the features from importing them.

An import from outside feature F into a module of F that is not public breaks the contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicModulesContract(Contract):
    type_name = "public_modules"

    features = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.StringField(), required=False)
    above = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        features = _strings(self.features)
        public = set(_strings(self.public)) | set(features)
        above = _strings(self.above)
        shared = [_pair(text) for text in _strings(self.shared)]
        missing = sorted(name for name in public if name not in graph.modules)
        broken: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            if _within(importer, above):
                continue
            importer_feature = _feature_of(importer, features)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_feature = _feature_of(imported, features)
                if imported_feature is None or imported_feature == importer_feature:
                    continue
                if imported in public or any(
                    _within(importer, [source]) and imported == target for source, target in shared
                ):
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    broken.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "line": detail["line_number"],
                            "text": detail["line_contents"],
                        }
                    )
        return ContractCheck(
            kept=not broken and not missing,
            metadata={"broken": broken, "missing": missing},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for name in check.metadata["missing"]:
            output.print_error(f"{name} is declared public but does not exist.")
        for item in check.metadata["broken"]:
            output.print_error(
                f"{item['importer']} -> {item['imported']} (l.{item['line']}: {item['text']})"
            )
        if check.metadata["broken"]:
            output.new_line()
            output.print(
                "Import the feature's public module instead, or add a public function there."
            )


def _strings(value: object) -> list[str]:
    # import-linter fills the fields from the configuration; mypy sees the Field descriptors.
    return [str(item) for item in cast(Iterable[object], value or [])]


def _pair(text: str) -> tuple[str, str]:
    source, _, target = text.partition("->")
    return source.strip(), target.strip()


def _within(module: str, packages: list[str]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def _feature_of(module: str, features: list[str]) -> str | None:
    for feature in features:
        if module == feature or module.startswith(feature + "."):
            return feature
    return None
