"""What the ast-based checks of portal/ know about its classes, without importing it.

Each feature's models (the `db.Model` classes of `portal/<feature>/models.py`), every class's
annotated attributes (dataclass fields, `Mapped[...]` columns and relationships) and what each
function's return annotation names. `Kind` is what an expression holds: instances of some
classes, or collections of them. tests/feature_writes.py uses this to tell which names hold
another feature's model instances.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
COLLECTIONS = frozenset({"list", "tuple", "set", "frozenset", "Sequence", "Iterable", "Iterator"})


@dataclass(frozen=True)
class Model:
    feature: str
    name: str
    table: str


def find_models(root: Path = PORTAL) -> dict[str, Model]:
    """Every feature's model classes by class name: those of its models.py whose base is
    `db.Model` or `Model` (portal.extensions' name for it), or another model."""
    models: dict[str, Model] = {}
    for models_py in sorted(root.glob("*/models.py")):
        feature = models_py.parent.name
        for node in ast.parse(models_py.read_text()).body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {dotted_name(base) for base in node.bases}
            if bases & {"db.Model", "Model"} or bases & set(models):
                models[node.name] = Model(feature, node.name, _table_name(node) or node.name)
    return models


def _table_name(node: ast.ClassDef) -> str | None:
    for item in node.body:
        if (
            isinstance(item, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in item.targets)
            and isinstance(item.value, ast.Constant)
        ):
            return str(item.value.value)
    return None


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""


def last_name(node: ast.AST) -> str:
    """The last part of a name or attribute chain: `select` for `sa.select`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@dataclass(frozen=True)
class Kind:
    """What an expression holds: instances of these classes, or collections of them."""

    one: frozenset[str] = frozenset()
    many: frozenset[str] = frozenset()

    def __or__(self, other: Kind) -> Kind:
        return Kind(self.one | other.one, self.many | other.many)


NOTHING = Kind()


def union_of(kinds: Iterable[Kind]) -> Kind:
    union = NOTHING
    for kind in kinds:
        union = union | kind
    return union


def class_fields(tree: ast.AST) -> dict[str, list[ast.AnnAssign]]:
    """Each class's annotated class-level attributes (dataclass fields, Mapped columns)."""
    fields: dict[str, list[ast.AnnAssign]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            fields.setdefault(node.name, []).extend(
                item
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            )
    return fields


class Project:
    """What the inference needs to know about the whole of portal/: classes, their annotated
    attributes, and what each function returns."""

    def __init__(self, root: Path = PORTAL, models: dict[str, Model] | None = None) -> None:
        self.root = root
        self.models = models if models is not None else find_models(root)
        trees = [ast.parse(path.read_text()) for path in sorted(root.rglob("*.py"))]
        fields: dict[str, list[ast.AnnAssign]] = {}
        for tree in trees:
            for name, items in class_fields(tree).items():
                fields.setdefault(name, []).extend(items)
        self.class_names = frozenset(fields)
        self.classes = self.read_fields(fields, self.class_names)
        # Where the class of an expression is not known, `x.referral` may still be read from
        # what the classes annotate `referral` with, when every class that has the name means a
        # model by it (`status` is a model on one class and text on another: not guessed).
        attributes: dict[str, list[Kind]] = {}
        ambiguous: set[str] = set()
        for attrs in self.classes.values():
            for attr, kind in attrs.items():
                models = Kind(kind.one & set(self.models))
                if not models.one:
                    ambiguous.add(attr)
                attributes.setdefault(attr, []).append(models)
        self.attributes = {
            attr: union
            for attr, kinds in attributes.items()
            if attr not in ambiguous and (union := union_of(kinds)).one
        }
        # A function name means one thing only when every definition of it agrees.
        returns: dict[str, set[Kind]] = {}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
                    kind = self.annotation(node.returns, self.class_names)
                    returns.setdefault(node.name, set()).add(kind)
        self.returns = {name: kinds.pop() for name, kinds in returns.items() if len(kinds) == 1}

    def read_fields(
        self, fields: dict[str, list[ast.AnnAssign]], names: frozenset[str]
    ) -> dict[str, dict[str, Kind]]:
        classes: dict[str, dict[str, Kind]] = {}
        for name, items in fields.items():
            attrs = classes.setdefault(name, {})
            for item in items:
                assert isinstance(item.target, ast.Name)
                kind = self.annotation(item.annotation, names)
                attrs[item.target.id] = attrs.get(item.target.id, NOTHING) | kind
        return classes

    def annotation(self, node: ast.AST | None, names: frozenset[str]) -> Kind:
        """The classes an annotation names: `Referral`, `Referral | None`, `list[InboxRow]`."""
        if node is None:
            return NOTHING
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return self.annotation(ast.parse(node.value, mode="eval").body, names)
            except SyntaxError:
                return NOTHING
        if isinstance(node, ast.Name | ast.Attribute):
            name = last_name(node)
            return Kind(one=frozenset({name})) if name in names else NOTHING
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self.annotation(node.left, names) | self.annotation(node.right, names)
        if isinstance(node, ast.Subscript):
            outer = last_name(node.value)
            inner = node.slice
            if outer in ("Mapped", "Optional", "Union"):
                parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                return union_of(self.annotation(part, names) for part in parts)
            if outer in COLLECTIONS:
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return Kind(many=self.annotation(first, names).one)
        return NOTHING
