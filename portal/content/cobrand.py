"""Co-branded kit templates: Jinja in a locked-down sandbox, checked at load, rendered per partner.

A template may use exactly the variables in ALLOWED_FIELDS (`partner.name`, `user.title`, ...).
Two layers keep it there:

- `template_problems` walks the template's syntax tree at load (`flask content check`) and
  refuses every other name, attribute, item, filter, call or include, with its line;
  `render_cobranded` refuses to render a template with any such problem.
- The environment itself only resolves allow-listed keys of the plain dicts in the context: no
  attributes of any object, no globals (`range`, `lipsum`, `cycler`, `namespace`, ...), no calls
  but macros, no `|safe` or `|attr`. So even a template that slipped past the walk cannot reach
  anything else: it fails with SecurityError or UndefinedError, which become CobrandError.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType, TracebackType
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Macro, Undefined
from jinja2.sandbox import SandboxedEnvironment

from portal.content.library import TEMPLATE_FORMATS, KitTemplate

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
_ALLOWED_TEXT = ", ".join(ALLOWED_VARIABLES)
_ALLOWED_KEYS = frozenset(name for names in ALLOWED_FIELDS.values() for name in names)
# Text filters only: not |safe (it would undo escaping), not |attr, |map, |sort and the other
# filters that look attributes up by name.
ALLOWED_FILTERS: tuple[str, ...] = (
    "capitalize", "center", "count", "d", "default", "e", "escape", "first", "indent", "join",
    "last", "length", "lower", "replace", "string", "striptags", "title", "trim", "truncate",
    "upper", "urlencode", "urlize", "wordcount", "wordwrap",
)  # fmt: skip
_REFUSED_NAMES = ("self",)  # the template's own reference: never data
_MAX_REPEAT = 10_000  # characters/items a `*` may produce ("x" * 10**9 would eat the memory)
_TEMPLATE_FILE = "<template>"  # the code file name Jinja gives template frames in tracebacks


class CobrandError(Exception):
    """A co-branded template cannot be rendered (the page says it cannot be shown right now)."""


@dataclass(frozen=True)
class CobrandContext:
    """The values a co-branded template may use, as plain text (None becomes "")."""

    partner_name: str
    user_name: str
    kit_title: str
    kit_summary: str
    program_vendor: str
    program_name: str
    partner_website: str = ""
    user_title: str = ""

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value is None:
                object.__setattr__(self, spec.name, "")
            elif not isinstance(value, str):
                raise TypeError(f"{spec.name} must be text, not {type(value).__name__}")

    def variables(self) -> dict[str, dict[str, str]]:
        """The template context: one plain dict per record, keyed as in ALLOWED_FIELDS."""
        return {
            "partner": {"name": self.partner_name, "website": self.partner_website},
            "user": {"name": self.user_name, "title": self.user_title},
            "kit": {"title": self.kit_title, "summary": self.kit_summary},
            "program": {"vendor": self.program_vendor, "name": self.program_name},
        }


SAMPLE_CONTEXT = CobrandContext(
    partner_name="Sample Partner & Co",
    partner_website="https://partner.example",
    user_name="Sam Sample",
    user_title="Partner manager",
    kit_title="Sample kit",
    kit_summary="A sample kit.",
    program_vendor="Sample Vendor",
    program_name="Sample Partner Program",
)


class CobrandEnvironment(SandboxedEnvironment):
    """A sandbox that resolves only allow-listed keys of plain dicts and calls only macros."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            autoescape=autoescape,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.globals.clear()  # range, dict, lipsum, cycler, joiner, namespace
        self.filters = {name: self.filters[name] for name in ALLOWED_FILTERS}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False  # no attribute of any object; dict keys go through _lookup

    def is_safe_callable(self, obj: Any) -> bool:
        return isinstance(obj, Macro)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._lookup(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._lookup(obj, argument)

    def _lookup(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, Undefined):
            return obj  # keep the original "'x' is undefined" error
        if type(obj) is not dict or not isinstance(key, str) or key.startswith("_"):
            return self.unsafe_undefined(obj, str(key))
        if key in _ALLOWED_KEYS and type(obj.get(key)) is str:
            return obj[key]
        return self.undefined(obj=obj, name=key)

    def call_binop(self, context: Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            raise SecurityError("powers are not allowed in co-branded templates")
        for sequence, count in ((left, right), (right, left)):
            repeats = isinstance(sequence, str | list | tuple) and isinstance(count, int)
            if repeats and len(sequence) * count > _MAX_REPEAT:
                raise SecurityError("the template repeats text too many times")
        return operator.mul(left, right)


_ENVIRONMENTS = {
    "text": CobrandEnvironment(autoescape=False),
    "html": CobrandEnvironment(autoescape=True),
}


class _AnyName(dict):
    """Filters/tests for analysis only: unknown names resolve, so one bad filter does not hide
    every other problem (the walk reports unknown ones itself)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key, _identity)


def _identity(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


_ANALYSIS = CobrandEnvironment(autoescape=False)
_ANALYSIS.filters = _AnyName(_ANALYSIS.filters)
_ANALYSIS.tests = _AnyName(_ANALYSIS.tests)


_Problems = tuple[tuple[int, str], ...]


@functools.lru_cache(maxsize=1024)
def _checked(template_format: str, source: str) -> tuple[_Problems, Template | None]:
    """Why `source` may not be rendered, else its compiled template (parsed once, cached: the
    check at load warms the cache for rendering)."""
    env = _ENVIRONMENTS[template_format]
    try:
        tree = _ANALYSIS.parse(source)
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as exc:
        return ((exc.lineno or 1, f"template syntax error: {exc.message}"),), None
    problems = _TreeCheck(env, undeclared).run(tree)
    if problems:
        return tuple(sorted(set(problems))), None
    try:  # every filter is one the real environment has, so the same tree compiles there
        code = env.compile(tree)
    except TemplateSyntaxError as exc:
        return ((exc.lineno or 1, f"template error: {exc.message}"),), None
    return (), env.template_class.from_code(env, code, env.make_globals(None))


def template_problems(source: str, template_format: str = "text") -> list[tuple[int, str]]:
    """Every problem of template `source` as (line within the source, message), in line order.

    Syntax errors; every name, attribute, item, filter, call or include that is not allowed; and
    whatever still fails when the template is rendered against a sample partner.
    """
    problems, compiled = _checked(
        template_format if template_format in TEMPLATE_FORMATS else "text", source
    )
    if compiled is None:
        return list(problems)
    try:
        compiled.render(SAMPLE_CONTEXT.variables())
    except Exception as exc:  # the template fails for a real partner too
        return [(_template_line(exc.__traceback__), f"template error: {_describe(exc)}")]
    return []


def render_cobranded(template: KitTemplate, context: CobrandContext) -> str:
    """Render `template` for one partner; raise CobrandError when it cannot be rendered."""
    if template.format not in TEMPLATE_FORMATS:
        raise CobrandError(f"{template.source}: unknown template format {template.format!r}")
    problems, compiled = _checked(template.format, template.body)
    if compiled is None:
        line, message = problems[0]
        raise CobrandError(f"{template.source}: line {line}: {message}")
    try:
        return compiled.render(context.variables())
    except Exception as exc:  # any failure inside a template means "cannot be shown"
        raise CobrandError(f"{template.source}: {_describe(exc)}") from exc


def _template_line(tb: TracebackType | None) -> int:
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, SecurityError):
        return f"refused by the sandbox: {message}"
    return message


class _TreeCheck:
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
            field = self._allowed_field(node)
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
        yield from node.iter_child_nodes()

    def _is_refused_call(self, node: nodes.Call) -> bool:
        target = node.node
        if isinstance(target, nodes.Name):
            return False  # a macro, or an unknown name reported as such
        if isinstance(target, nodes.Getattr | nodes.Getitem):
            return self._allowed_field(target) is not None  # else the lookup is reported
        return True

    def _allowed_field(self, node: nodes.Getattr | nodes.Getitem) -> str | None:
        target = node.node
        if not isinstance(target, nodes.Name) or target.name not in self.undeclared:
            return None
        key = node.attr if isinstance(node, nodes.Getattr) else _const_text(node.arg)
        if key is not None and key in ALLOWED_FIELDS.get(target.name, ()):
            return key
        return None

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
        if isinstance(node, nodes.Filter) and node.name not in self.env.filters:
            self._report(
                node,
                f"the '{node.name}' filter is not allowed in co-branded templates "
                f"(filters: {', '.join(ALLOWED_FILTERS)})",
            )
        elif isinstance(node, nodes.Test) and node.name not in self.env.tests:
            self._report(node, f"unknown test '{node.name}'")


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
