"""What a co-branded template may contain, checked on its syntax tree before it is compiled.

The allow lists (variables, filters, statements) and the resource bounds, and the two walks
that enforce them: `TreeCheck` (names, attributes, filters, statements, with their lines) and
`SizeBound` (the most text each expression could produce). portal.content.cobrand runs them.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from jinja2 import nodes
from jinja2.defaults import DEFAULT_FILTERS

if TYPE_CHECKING:
    from portal.content.cobrand import CobrandEnvironment

# The only variables a template may use: record -> its fields.
ALLOWED_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "partner": ("name", "website"),
        "user": ("name", "title"),
        "kit": ("title", "summary"),
        "program": ("vendor", "name"),
    }
)
ALLOWED_VARIABLES: tuple[str, ...] = tuple(
    f"{record}.{name}" for record, names in ALLOWED_FIELDS.items() for name in names
)
# The longest value of each variable the check assumes: the database columns (the organisation's
# website is 300 characters, names and titles 200); kit and program texts come from the content
# and get the same 200. A longer value still renders, within MAX_OUTPUT_KB.
FIELD_MAX_LENGTHS: Mapping[str, int] = MappingProxyType(
    {name: 300 if name == "partner.website" else 200 for name in ALLOWED_VARIABLES}
)
_ALLOWED_TEXT = ", ".join(ALLOWED_VARIABLES)
ALLOWED_KEYS = frozenset(name for names in ALLOWED_FIELDS.values() for name in names)
# Text filters only: not |safe (it would undo escaping), not |attr, |map, |sort and the other
# filters that look attributes up by name.
ALLOWED_FILTERS: tuple[str, ...] = (
    "capitalize", "center", "count", "d", "default", "e", "escape", "first", "indent", "join",
    "last", "length", "lower", "replace", "string", "striptags", "title", "trim", "truncate",
    "upper", "urlencode", "urlize", "wordcount", "wordwrap",
)  # fmt: skip
_REFUSED_NAMES = ("self",)  # the template's own reference: never data
MAX_REPEAT = 10_000  # characters/items a `*` may produce ("x" * 10**9 would eat the memory)
TEMPLATE_FILE = "<template>"  # the code file name Jinja gives template frames in tracebacks

# Resource bounds. Without loops, `{% set %}`, macros or arithmetic every expression runs at most
# once, so what a template costs follows from its size, the sizes its filters take and the
# lengths of the fields; all three are bounded here.
MAX_SOURCE_KB = 64  # template source, in KB of UTF-8
MAX_OUTPUT_KB = 200  # rendered text (and any value on the way), in K characters
MAX_SIZE_ARGUMENT = 200  # widths and lengths filters take: center(n), truncate(n), ...
MAX_OUTPUT = MAX_OUTPUT_KB * 1024
TOO_COMPLEX = "template is too large or too deeply nested to check"
# The statements a template may not use (`{% if %}`/`{% elif %}`/`{% else %}` is the format).
_REFUSED_STATEMENTS: Mapping[type[nodes.Node], str] = MappingProxyType(
    {
        nodes.For: "{% for %} loops",
        nodes.Macro: "{% macro %}",
        nodes.CallBlock: "{% call %} blocks",
        nodes.FilterBlock: "{% filter %} blocks",
        nodes.Assign: "{% set %}",
        nodes.AssignBlock: "{% set %}",
        nodes.With: "{% with %} blocks",
    }
)
_ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
# Filter -> the arguments that are sizes: each must be a written-out number up to
# MAX_SIZE_ARGUMENT (None where that is the filter's default; indent also takes a short text).
_SIZE_ARGUMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "center": ("width",),
        "indent": ("width",),
        "wordwrap": ("width",),
        "truncate": ("length", "leeway"),
        "urlize": ("trim_url_limit",),
    }
)
_NONE_ALLOWED = frozenset({("truncate", "leeway"), ("urlize", "trim_url_limit")})


# The parameters of each filter after the value, by position (`truncate(length, killwords, end,
# leeway)`), read from the filters themselves.
_FILTER_PARAMETERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        name: tuple(inspect.signature(func).parameters)[
            2 if hasattr(func, "jinja_pass_arg") else 1 :
        ]
        for name, func in DEFAULT_FILTERS.items()
        if name in ALLOWED_FILTERS
    }
)


class TreeCheck:
    """Walks a parsed template and reports every use of something not on the allow list."""

    def __init__(self, env: CobrandEnvironment, undeclared: set[str]):
        self.env = env
        self.undeclared = undeclared  # names the template reads from its context
        self.problems: list[tuple[int, str]] = []

    def run(self, tree: nodes.Template) -> list[tuple[int, str]]:
        self._visit(tree)
        return self.problems

    def _report(self, node: nodes.Node, message: str) -> None:
        self.problems.append((node.lineno or 1, message))

    def _visit(self, node: nodes.Node) -> None:
        for child in self._check(node):
            self._visit(child)

    def _check(self, node: nodes.Node) -> Iterator[nodes.Node]:
        """Report `node` if refused; yield the children still to check."""
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            field = field_of(node, self.undeclared)
            if field is None:
                self._refuse_lookup(node)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                yield node.arg
            if field is None and not _is_lookup_chain(node):
                yield node.node
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            self._check_name(node)
        elif isinstance(node, nodes.Filter | nodes.Test):
            self._check_filter(node)
        elif isinstance(node, nodes.Call) and self._is_refused_call(node):
            self._report(node, f"'{_expression(node.node)}(...)': only macros may be called")
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self._report(node, "templates cannot include, import or extend other templates")
            return
        elif isinstance(node, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier):
            self._report(node, "autoescape blocks are not allowed: escaping follows the format")
        elif type(node) in _REFUSED_STATEMENTS:
            self._report(
                node,
                f"{_REFUSED_STATEMENTS[type(node)]} cannot be used in co-branded templates "
                "(only {% if %}, {% elif %} and {% else %})",
            )
        elif isinstance(node, _ARITHMETIC):
            self._report(
                node,
                f"arithmetic ('{node.operator}') is not allowed in co-branded templates "
                "(join text with ~)",
            )
        yield from node.iter_child_nodes()

    def _is_refused_call(self, node: nodes.Call) -> bool:
        target = node.node
        if isinstance(target, nodes.Name):
            return False  # a macro, or an unknown name reported as such
        if isinstance(target, nodes.Getattr | nodes.Getitem):
            return field_of(target, self.undeclared) is not None  # else the lookup is reported
        return True

    def _refuse_lookup(self, node: nodes.Getattr | nodes.Getitem) -> None:
        expr = _expression(node)
        key = node.attr if isinstance(node, nodes.Getattr) else _const_text(node.arg)
        if key is not None and key.startswith("_"):
            self._report(node, f"'{expr}' is refused: templates cannot reach names starting '_'")
        else:
            self._report(node, f"'{expr}' is not a template variable (allowed: {_ALLOWED_TEXT})")

    def _check_name(self, node: nodes.Name) -> None:
        name = node.name
        if name in _REFUSED_NAMES:
            self._report(node, f"'{name}' is refused (allowed: {_ALLOWED_TEXT})")
        elif name in ALLOWED_FIELDS and name in self.undeclared:
            uses = " or ".join(f"{name}.{field}" for field in ALLOWED_FIELDS[name])
            self._report(node, f"'{name}' on its own is not allowed: use {uses}")
        elif name in self.undeclared:
            self._report(node, f"unknown variable '{name}' (allowed: {_ALLOWED_TEXT})")

    def _check_filter(self, node: nodes.Filter | nodes.Test) -> None:
        kind = "filter" if isinstance(node, nodes.Filter) else "test"
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self._report(node, f"the '{node.name}' {kind} must be given its arguments one by one")
        if isinstance(node, nodes.Filter) and node.name not in self.env.filters:
            self._report(
                node,
                f"the '{node.name}' filter is not allowed in co-branded templates "
                f"(filters: {', '.join(ALLOWED_FILTERS)})",
            )
        elif isinstance(node, nodes.Test) and node.name not in self.env.tests:
            self._report(node, f"unknown test '{node.name}'")
        elif isinstance(node, nodes.Filter):
            for param in _SIZE_ARGUMENTS.get(node.name, ()):
                for arg in filter_arguments(node, param):
                    if not _is_allowed_size(node.name, param, arg):
                        self._report(arg, _size_message(node.name, param))


def _is_allowed_size(filter_name: str, param: str, arg: nodes.Expr) -> bool:
    if not isinstance(arg, nodes.Const):
        return False
    value = arg.value
    if value is None:
        return (filter_name, param) in _NONE_ALLOWED
    if filter_name == "indent" and isinstance(value, str):
        return len(value) <= MAX_SIZE_ARGUMENT
    return type(value) is int and 0 <= value <= MAX_SIZE_ARGUMENT


def _size_message(filter_name: str, param: str) -> str:
    also = " or a text of at most that many characters" if filter_name == "indent" else ""
    return (
        f"the '{filter_name}' filter's {param} must be a number from 0 to "
        f"{MAX_SIZE_ARGUMENT}{also}, written out"
    )


def filter_arguments(node: nodes.Filter | nodes.Test, param: str) -> list[nodes.Expr]:
    """The expressions passed as `param` of a filter (positionally or by name; both are wrong
    but are each checked)."""
    params = _FILTER_PARAMETERS.get(node.name, ())
    found = [kw.value for kw in node.kwargs if kw.key == param]
    if param in params and params.index(param) < len(node.args):
        found.insert(0, node.args[params.index(param)])
    return found


def field_of(node: nodes.Getattr | nodes.Getitem, undeclared: set[str] | None) -> str | None:
    """The allowed variable `node` reads (`partner.name`), or None. `undeclared` (the names the
    template reads from its context) keeps a name the template defines itself out."""
    target = node.node
    if not isinstance(target, nodes.Name):
        return None
    if undeclared is not None and target.name not in undeclared:
        return None
    key = node.attr if isinstance(node, nodes.Getattr) else _const_text(node.arg)
    if key is not None and key in ALLOWED_FIELDS.get(target.name, ()):
        return f"{target.name}.{key}"
    return None


def _is_lookup_chain(node: nodes.Node) -> bool:
    """True for `a.b.c` / `a['b']` chains of names and constants (reported once, as a whole)."""
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            return False
        node = node.node
    return isinstance(node, nodes.Name | nodes.Const)


def _const_text(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def _expression(node: nodes.Node) -> str:
    """A short source-like rendering of a lookup chain, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_expression(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "..."
        return f"{_expression(node.node)}[{arg}]"
    if isinstance(node, nodes.Call):
        return f"{_expression(node.node)}(...)"
    return "..."
