"""Find the places where a module writes another feature's tables, by reading the source with `ast`.

A feature is a folder `portal/<feature>/`; its models are the `db.Model` classes in its
`models.py`. A module outside the feature writes them when it:

- constructs a model (`Referral(...)`), adds, merges or deletes an instance through a
  session (`db.session.add(x)`, `.delete(x)`, `.merge(x)`),
- assigns or deletes an attribute of an instance (`referral.status = ...`, `setattr(...)`),
- builds a bulk statement on a model (`sa.insert/update/delete(Referral)`,
  `insert_for_dialect(Customer)`), or spells one out in SQL text (`UPDATE referrals ...`).

Which names hold instances is inferred without running anything, per function: parameters
annotated with a model (`referral: Referral`, `Referral | None`), assignments from a
constructor, from `session.get(Model, ...)`, from `.scalar(select(Model)...)` (and `for x in
.scalars(select(Model)...)`), from a call to any portal function whose return annotation is a
model (or a list of one), and from an attribute whose class annotation anywhere in portal is a
model (`row.referral` where `InboxRow.referral: Referral`, `commission.referral` where
`Commission.referral: Mapped[Referral]`). A model imported under any name or through any
module of its feature (`portal.referrals.api` included) counts as that model. The inference is
deliberately simple; tests/test_boundaries.py proves it on snippets of the writes it must find.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.source_types import (
    NOTHING,
    PORTAL,
    Kind,
    Model,
    Project,
    class_fields,
    dotted_name,
    last_name,
    union_of,
)

SESSION_WRITES = frozenset({"add", "add_all", "delete", "merge"})
BULK_STATEMENTS = frozenset({"insert", "update", "delete", "insert_for_dialect", "pg_insert"})


@dataclass(frozen=True)
class Write:
    path: str  # relative to the repository
    line: int
    what: str
    feature: str  # whose table is written

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def feature_of(path: Path, root: Path = PORTAL) -> str | None:
    """The feature folder a module belongs to; None for the app's shared top-level modules."""
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else None


class ModuleCheck:
    """The writes one module makes to models of features other than its own."""

    def __init__(self, project: Project, source: str, path: str, feature: str | None) -> None:
        self.project = project
        self.path = path
        self.feature = feature
        self.tree = ast.parse(source)
        self.writes: list[Write] = []
        self.model_names: dict[str, str] = {}  # local name -> model class name
        self.model_modules: set[str] = set()  # local names of modules that hold models
        self._module_env: dict[str, Kind] = {}
        # The module's own classes count too (a snippet's, in the tests of this check).
        local = class_fields(self.tree)
        self.class_names = project.class_names | frozenset(local)
        self.classes = {**project.classes, **project.read_fields(local, self.class_names)}
        self.method_of = {
            id(item): node.name
            for node in ast.walk(self.tree)
            if isinstance(node, ast.ClassDef)
            for item in node.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        # Docstrings and bare strings are prose, not SQL.
        self._prose = {
            id(node.value)
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        self._read_imports()
        foreign = {m.table: m for m in project.models.values() if m.feature != feature}
        self.tables = {table: model.name for table, model in foreign.items()}
        self.sql = (
            re.compile(
                r"\b(?:insert\s+into|update|delete\s+from)\s+\"?("
                + "|".join(re.escape(table) for table in sorted(foreign))
                + r")\b",
                re.IGNORECASE,
            )
            if foreign
            else None
        )

    def _read_imports(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal."):
                for alias in node.names:
                    local = alias.asname or alias.name
                    if alias.name in self.project.models:
                        self.model_names[local] = alias.name
                    elif alias.name == "models":
                        self.model_modules.add(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("portal.") and alias.asname:
                        self.model_modules.add(alias.asname)

    # --- what an expression is -----------------------------------------------------------

    def model_class(self, node: ast.AST) -> Model | None:
        """The foreign model a class expression names (`Referral`, `models.Referral`)."""
        name = None
        if isinstance(node, ast.Name):
            name = self.model_names.get(node.id)
        elif isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self.model_class(node.value)
        elif isinstance(node, ast.Attribute) and node.attr in self.project.models:
            base = node.value
            if (isinstance(base, ast.Name) and base.id in self.model_modules) or dotted_name(
                base
            ).startswith("portal."):
                name = node.attr
        model = self.project.models.get(name) if name else None
        return model if model is not None and model.feature != self.feature else None

    def kind(self, node: ast.AST | None, env: dict[str, Kind]) -> Kind:
        if node is None:
            return NOTHING
        if isinstance(node, ast.Name):
            return env.get(node.id, NOTHING)
        if isinstance(node, ast.Attribute):
            base = self.kind(node.value, env)
            if base.one:
                return union_of(self.classes.get(c, {}).get(node.attr, NOTHING) for c in base.one)
            return self.project.attributes.get(node.attr, NOTHING)
        if isinstance(node, ast.IfExp):
            return self.kind(node.body, env) | self.kind(node.orelse, env)
        if isinstance(node, ast.BoolOp):
            return union_of(self.kind(value, env) for value in node.values)
        if isinstance(node, ast.NamedExpr | ast.Await):
            return self.kind(node.value, env)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return Kind(many=union_of(self.kind(element, env) for element in node.elts).one)
        if isinstance(node, ast.Call):
            return self._call_kind(node, env)
        return NOTHING

    def _call_kind(self, node: ast.Call, env: dict[str, Kind]) -> Kind:
        model = self.model_class(node.func)
        if model is not None:
            return Kind(one=frozenset({model.name}))
        method = last_name(node.func)
        if method == "get" and node.args and (found := self.model_class(node.args[0])):
            return Kind(one=frozenset({found.name}))
        if method in ("scalar", "scalars", "scalar_one", "scalar_one_or_none") and node.args:
            selected = _selected(node.args[0])
            found = self.model_class(selected) if selected is not None else None
            if found is not None:
                names = frozenset({found.name})
                return Kind(many=names) if method == "scalars" else Kind(one=names)
        if method in ("list", "sorted") and node.args:
            return Kind(many=self.kind(node.args[0], env).many)
        return self.project.returns.get(method, NOTHING)

    # --- walking the module --------------------------------------------------------------

    def run(self) -> list[Write]:
        self._check_scope(self.tree, {})
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                self._check_scope(node, self._module_env)
        return sorted(set(self.writes), key=lambda w: (w.line, w.what))

    def _check_scope(self, scope: ast.AST, outer: dict[str, Kind]) -> None:
        env = dict(outer)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = scope.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            for arg in every:
                env[arg.arg] = self.project.annotation(arg.annotation, self.class_names)
            owner = self.method_of.get(id(scope))
            if owner is not None and every and every[0].arg in ("self", "cls"):
                env[every[0].arg] = Kind(one=frozenset({owner}))
        body = list(_own_nodes(scope))
        for _ in range(3):  # flow-insensitive: a few rounds let names feed each other
            for node in body:
                self._bind(node, env)
        if isinstance(scope, ast.Module):
            self._module_env = env
        for node in body:
            self._check(node, env)

    def _bind(self, node: ast.AST, env: dict[str, Kind]) -> None:
        if isinstance(node, ast.Assign):
            kind = self.kind(node.value, env)
            for target in node.targets:
                if isinstance(target, ast.Name) and kind != NOTHING:
                    env[target.id] = env.get(target.id, NOTHING) | kind
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            kind = self.project.annotation(node.annotation, self.class_names)
            kind = kind | self.kind(node.value, env)
            if kind != NOTHING:
                env[node.target.id] = kind
        elif isinstance(node, ast.NamedExpr):
            kind = self.kind(node.value, env)
            if kind != NOTHING:
                env[node.target.id] = env.get(node.target.id, NOTHING) | kind
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            many = self.kind(node.iter, env).many
            if many and isinstance(node.target, ast.Name):
                env[node.target.id] = env.get(node.target.id, NOTHING) | Kind(one=many)

    def _check(self, node: ast.AST, env: dict[str, Kind]) -> None:
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        for target in _flatten(targets):
            if isinstance(target, ast.Attribute):
                for name in self._foreign(self.kind(target.value, env).one):
                    self._found(node, f"sets {name}.{target.attr}", name)
        if isinstance(node, ast.Call):
            self._check_call(node, env)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in self._prose
            and self.sql
        ):
            match = self.sql.search(node.value)
            if match:
                table = match.group(1)
                self._found(node, f"writes table {table} in SQL text", self.tables[table])

    def _check_call(self, node: ast.Call, env: dict[str, Kind]) -> None:
        model = self.model_class(node.func)
        if model is not None:
            self._found(node, f"constructs {model.name}", model.name)
            return
        method = last_name(node.func)
        if method == "setattr" and node.args:
            for name in self._foreign(self.kind(node.args[0], env).one):
                self._found(node, f"sets {name} attributes with setattr", name)
        if method in SESSION_WRITES and isinstance(node.func, ast.Attribute) and node.args:
            kind = self.kind(node.args[0], env)
            for name in self._foreign(kind.one | kind.many):
                self._found(node, f"session.{method}() of a {name}", name)
        if method in BULK_STATEMENTS and node.args:
            found = self.model_class(node.args[0])
            if found is not None:
                self._found(node, f"{method}({found.name}) statement", found.name)

    def _foreign(self, names: Iterable[str]) -> list[str]:
        models = self.project.models
        return sorted(n for n in names if n in models and models[n].feature != self.feature)

    def _found(self, node: ast.AST, what: str, model: str) -> None:
        feature = self.project.models[model].feature
        self.writes.append(Write(self.path, getattr(node, "lineno", 0), what, feature))


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, without the bodies of the functions defined inside it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _flatten(targets: Iterable[ast.AST]) -> Iterator[ast.AST]:
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            yield from _flatten(target.elts)
        else:
            yield target


def _selected(statement: ast.AST) -> ast.AST | None:
    """The first thing a `select(...)` at the root of a method chain selects."""
    node = statement
    while isinstance(node, ast.Call):
        if last_name(node.func) == "select":
            return node.args[0] if node.args else None
        if not isinstance(node.func, ast.Attribute):
            return None
        node = node.func.value
    return None


def foreign_writes(
    project: Project, source: str, path: str, feature: str | None, of_feature: str | None = None
) -> list[Write]:
    """The writes in `source` to models of other features (only `of_feature`'s, if given)."""
    writes = ModuleCheck(project, source, path, feature).run()
    return [w for w in writes if of_feature in (None, w.feature)]


# The demo loaders (`flask demo load`) sit above the features and seed every feature's rows
# straight into an empty database; no request reaches them.
DEMO_SEEDERS = frozenset(
    {
        "portal/demo.py",
        "portal/demo_history/__init__.py",
        "portal/demo_history/referrals.py",
        "portal/demo_history/story.py",
    }
)


def all_foreign_writes(project: Project, of_feature: str | None = None) -> list[Write]:
    """Every write in portal/ to another feature's models (the demo seeders aside)."""
    writes: list[Write] = []
    repository = project.root.parent
    for path in sorted(project.root.rglob("*.py")):
        relative = str(path.relative_to(repository))
        if relative in DEMO_SEEDERS:
            continue
        writes += foreign_writes(
            project, path.read_text(), relative, feature_of(path, project.root), of_feature
        )
    return writes
