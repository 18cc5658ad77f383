"""Co-branded kit templates: Jinja in a locked-down sandbox, checked at load, rendered per partner.

A template may use exactly the variables in ALLOWED_FIELDS (`partner.name`, `user.title`, ...),
`{% if %}` / `{% elif %}` / `{% else %}`, `~` and the text filters in ALLOWED_FILTERS.
Three layers keep it there:

- `template_problems` walks the template's syntax tree at load (`flask content check`) and
  refuses every other name, attribute, item, filter, call, include, loop, `{% set %}`, macro and
  arithmetic operator, with its line. It bounds the work a template can cause: the source is at
  most 64 KB, every size a filter takes (`center(n)`, `truncate(n)`, ...) is a written-out
  number of at most 200, and the text every expression can produce, counting each field at its
  longest, is at most 200 KB. Only then is the template compiled (compiling folds constant
  expressions, so an unchecked `{{ 'a'|center(10**9) }}` would be built right there), and it is
  rendered for sample partners, the longest possible one included. `render_cobranded` refuses
  to render a template with any problem.
- The environment itself only resolves allow-listed keys of the plain dicts in the context: no
  attributes of any object, no globals (`range`, `lipsum`, `cycler`, `namespace`, ...), no calls
  but macros, no `|safe` or `|attr`. So even a template that slipped past the walk cannot reach
  anything else: it fails with SecurityError or UndefinedError, which become CobrandError.
- Rendering streams the output and stops with CobrandError past 200 KB.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Generator
from dataclasses import dataclass, fields
from types import TracebackType
from typing import Any, NoReturn

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Macro, Undefined
from jinja2.sandbox import SandboxedEnvironment

from portal.content.cobrand_check import (  # noqa: F401  (ALLOWED_* re-exported)
    ALLOWED_FIELDS,
    ALLOWED_FILTERS,
    ALLOWED_KEYS,
    ALLOWED_VARIABLES,
    FIELD_MAX_LENGTHS,
    MAX_OUTPUT,
    MAX_OUTPUT_KB,
    MAX_REPEAT,
    MAX_SIZE_ARGUMENT,
    MAX_SOURCE_KB,
    TEMPLATE_FILE,
    TOO_COMPLEX,
    TreeCheck,
)
from portal.content.cobrand_size import SizeBound
from portal.content.library import TEMPLATE_FORMATS, KitTemplate


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


def _longest(variable: str, text: str) -> str:
    length = FIELD_MAX_LENGTHS[variable]
    return (text * (length // len(text) + 1))[:length]


# Every field at its longest (with characters HTML escaping lengthens): a template that only
# fails for a long name fails the check.
LONGEST_CONTEXT = CobrandContext(
    partner_name=_longest("partner.name", 'Longest Partner <&> O\'Co "Ltd" '),
    partner_website=_longest("partner.website", "https://www.longest-partner.example/a&b/"),
    user_name=_longest("user.name", "Longest O'User-Name "),
    user_title=_longest("user.title", "Senior <Partner> & Alliances Manager "),
    kit_title=_longest("kit.title", "Longest kit title & more "),
    kit_summary=_longest("kit.summary", "A long kit summary, with <angles> & ampersands. "),
    program_vendor=_longest("program.vendor", "Longest Vendor & Co "),
    program_name=_longest("program.name", "Longest Partner Program "),
)
# The fields that may be empty (README: "website may be empty", "title may be empty"), empty.
_EMPTY_OPTIONAL_CONTEXT = CobrandContext(
    partner_name="Sample Partner",
    user_name="Sam Sample",
    kit_title="Sample kit",
    kit_summary="A sample kit.",
    program_vendor="Sample Vendor",
    program_name="Sample Partner Program",
)
_CHECK_CONTEXTS = (SAMPLE_CONTEXT, LONGEST_CONTEXT, _EMPTY_OPTIONAL_CONTEXT)


class CobrandEnvironment(SandboxedEnvironment):
    """A sandbox that resolves only allow-listed keys of plain dicts and calls only macros."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            autoescape=autoescape,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            auto_reload=False,
            # Jinja's optimizer re-folds every nested expression: cubic in the depth of a filter
            # chain (a 64 KB template of `|trim|trim|...` would compile for minutes).
            optimized=False,
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
        if key in ALLOWED_KEYS and type(obj.get(key)) is str:
            return obj[key]
        return self.undefined(obj=obj, name=key)

    def call_binop(self, context: Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            raise SecurityError("powers are not allowed in co-branded templates")
        for sequence, count in ((left, right), (right, left)):
            repeats = isinstance(sequence, str | list | tuple) and isinstance(count, int)
            if repeats and len(sequence) * count > MAX_REPEAT:
                raise SecurityError("the template repeats text too many times")
        return operator.mul(left, right)


_ENVIRONMENTS = {
    "text": CobrandEnvironment(autoescape=False),
    "html": CobrandEnvironment(autoescape=True),
}


class _AnyName(dict):
    """Filters/tests for analysis only: every name resolves, so one bad filter does not hide
    every other problem (the walk reports unknown ones itself), and none ever runs."""

    def get(self, key: Any, default: Any = None) -> Any:
        return _not_at_check_time

    def __getitem__(self, key: Any) -> Any:
        return _not_at_check_time

    def __contains__(self, key: object) -> bool:
        return True


def _not_at_check_time(*args: Any, **kwargs: Any) -> NoReturn:
    raise nodes.Impossible()


class _AnalysisEnvironment(CobrandEnvironment):
    """Parses and finds the undeclared variables without evaluating anything: Jinja's code
    generator (which `meta.find_undeclared_variables` runs) folds constant expressions, and
    `{{ 'a'|center(10**9) }}` or `{{ '%09999999999d' % 1 }}` would be built while looking."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def __init__(self) -> None:
        super().__init__(autoescape=False)
        self.filters = _AnyName()
        self.tests = _AnyName()


_ANALYSIS = _AnalysisEnvironment()


class _UndeclaredNames(meta.TrackingCodeGenerator):
    """`meta.find_undeclared_variables` without Jinja's optimizer (see CobrandEnvironment)."""

    def __init__(self, environment: CobrandEnvironment) -> None:
        super().__init__(environment)
        self.optimizer = None


def _undeclared_names(tree: nodes.Template) -> set[str]:
    """The names the template reads from its context."""
    codegen = _UndeclaredNames(_ANALYSIS)
    codegen.visit(tree)
    return codegen.undeclared_identifiers


_Problems = tuple[tuple[int, str], ...]


def _checked(template_format: str, source: str) -> tuple[_Problems, Template | None]:
    """Why `source` may not be rendered, else its compiled template."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_KB * 1024:
        kb = math.ceil(size / 1024)
        return ((1, f"template is too large ({kb} KB; at most {MAX_SOURCE_KB} KB)"),), None
    return _checked_source(template_format, source)


@functools.lru_cache(maxsize=1024)
def _checked_source(template_format: str, source: str) -> tuple[_Problems, Template | None]:
    """`_checked` for a source of a sane size, parsed once and cached: the check at load warms
    the cache for rendering. Nothing is evaluated before the whole tree has passed."""
    env = _ENVIRONMENTS[template_format]
    try:
        tree = _ANALYSIS.parse(source)
        undeclared = _undeclared_names(tree)
        problems = TreeCheck(env, undeclared).run(tree)
        if not problems:
            problems = SizeBound(env.autoescape is True).run(tree)
    except TemplateSyntaxError as exc:
        return ((exc.lineno or 1, f"template syntax error: {exc.message}"),), None
    except Exception:  # RecursionError, MemoryError, ...: refused, never a traceback
        return ((1, TOO_COMPLEX),), None
    if problems:
        return tuple(sorted(set(problems))), None
    try:  # every filter is one the real environment has, so the same tree compiles there
        code = env.compile(tree)
        return (), env.template_class.from_code(env, code, env.make_globals(None))
    except TemplateSyntaxError as exc:
        return ((exc.lineno or 1, f"template error: {exc.message}"),), None
    except Exception:  # Python's own limits on the generated code (nesting, recursion, ...)
        return ((1, TOO_COMPLEX),), None


def template_problems(source: str, template_format: str = "text") -> list[tuple[int, str]]:
    """Every problem of template `source` as (line within the source, message), in line order.

    Syntax errors; every name, attribute, item, filter, call, include, statement or operator
    that is not allowed; sizes over the bounds; and whatever still fails when the template is
    rendered for the sample partners (the longest possible one, and one with the optional
    fields empty, included).
    """
    problems, compiled = _checked(
        template_format if template_format in TEMPLATE_FORMATS else "text", source
    )
    if compiled is None:
        return list(problems)
    for context in _CHECK_CONTEXTS:
        try:
            _render(compiled, context)
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
        return _render(compiled, context)
    except Exception as exc:  # any failure inside a template means "cannot be shown"
        raise CobrandError(f"{template.source}: {_describe(exc)}") from exc


def _render(compiled: Template, context: CobrandContext) -> str:
    """The rendered text, streamed: CobrandError once it passes MAX_OUTPUT_KB."""
    parts: list[str] = []
    size = 0
    chunks = compiled.generate(context.variables())
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise CobrandError(f"the text is too long (more than {MAX_OUTPUT_KB} KB)")
            parts.append(chunk)
    finally:
        # Jinja types generate() as an Iterator; it is a generator, closed so the template stops.
        if isinstance(chunks, Generator):
            chunks.close()
    return "".join(parts)


def _template_line(tb: TracebackType | None) -> int:
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, SecurityError):
        return f"refused by the sandbox: {message}"
    return message
