"""The most text a co-branded template could produce, bounded on its syntax tree.

Counts every field at its longest (FIELD_MAX_LENGTHS) and HTML escaping at its worst, so a
template that could grow past MAX_OUTPUT_KB is refused before it is compiled.
"""

from __future__ import annotations

from jinja2 import nodes

from portal.content.cobrand_check import (
    FIELD_MAX_LENGTHS,
    MAX_OUTPUT,
    MAX_OUTPUT_KB,
    field_of,
    filter_arguments,
)


class TooMuchText(Exception):
    def __init__(self, node: nodes.Node):
        super().__init__(node.lineno)
        self.line = node.lineno or 1


class SizeBound:
    """An upper bound of the text a template (already past `TreeCheck`) can produce, and of
    every value on the way, counting each field at its FIELD_MAX_LENGTHS. Anything past
    MAX_OUTPUT_KB is refused at the first expression that could get there: chained filters
    multiply (`|replace('', 'xx')` or `|e|wordwrap(1)` repeated grow geometrically), and Jinja
    folds constant expressions when it compiles."""

    _ESCAPE = 5  # the most HTML escaping lengthens a character: '&' -> '&amp;'
    _SMALL = 32  # a number or a boolean as text

    def __init__(self, autoescape: bool):
        self.escape = self._ESCAPE if autoescape else 1

    def run(self, tree: nodes.Template) -> list[tuple[int, str]]:
        try:
            self._body(tree.body)
        except TooMuchText as exc:
            return [
                (
                    exc.line,
                    f"the template could produce more than {MAX_OUTPUT_KB} KB of text "
                    "(counting every field at its longest)",
                )
            ]
        return []

    def _checked(self, node: nodes.Node, size: int) -> int:
        if size > MAX_OUTPUT:
            raise TooMuchText(node)
        return size

    def _body(self, body: list[nodes.Node]) -> int:
        total = 0
        for node in body:
            total = self._checked(node, total + self._statement(node))
        return total

    def _statement(self, node: nodes.Node) -> int:
        if isinstance(node, nodes.Output):
            return sum(self._output(child) for child in node.nodes)
        if isinstance(node, nodes.If):
            self._bound(node.test)
            branches: list[list[nodes.Node]] = [node.body, node.else_]
            branches.extend([branch] for branch in node.elif_)
            return max(self._body(branch) for branch in branches)
        if isinstance(node, nodes.Block):
            return self._body(node.body)
        raise TooMuchText(node)  # nothing else gets past TreeCheck

    def _output(self, node: nodes.Expr) -> int:
        if isinstance(node, nodes.TemplateData):
            return len(node.data)
        size = self._bound(node)
        # Autoescaping lengthens what is not already markup (|e, |urlize, |join and ~ are).
        markup = isinstance(node, nodes.Concat) or (
            isinstance(node, nodes.Filter) and node.name in {"e", "escape", "urlize", "join"}
        )
        return self._checked(node, size if markup else size * self.escape)

    def _bound(self, node: nodes.Node) -> int:
        return self._checked(node, self._unchecked_bound(node))

    def _unchecked_bound(self, node: nodes.Node) -> int:
        if isinstance(node, nodes.Const):
            value = node.value
            return len(value) if isinstance(value, str) else len(repr(value))
        if isinstance(node, nodes.TemplateData):
            return len(node.data)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            field = field_of(node, None)
            if field is None:
                raise TooMuchText(node)  # nothing else gets past TreeCheck
            return FIELD_MAX_LENGTHS[field]
        if isinstance(node, nodes.Filter):
            return self._filter(node)
        if isinstance(node, nodes.Concat):
            return self.escape * sum(self._bound(part) for part in node.nodes)
        if isinstance(node, nodes.CondExpr):
            self._bound(node.test)
            return max(self._bound(node.expr1), self._optional(node.expr2, 0))
        if isinstance(node, nodes.And | nodes.Or):
            return max(self._bound(node.left), self._bound(node.right))
        if isinstance(node, nodes.Neg | nodes.Pos):
            return self._bound(node.node) + 1
        if isinstance(node, nodes.Not | nodes.Compare | nodes.Operand | nodes.Test):
            for child in node.iter_child_nodes():
                self._bound(child)
            return self._SMALL
        if isinstance(node, nodes.List | nodes.Tuple):
            return 2 + sum(10 * self._bound(item) + 4 for item in node.items)
        if isinstance(node, nodes.Dict):
            return 2 + sum(
                10 * self._bound(p.key) + 10 * self._bound(p.value) + 6 for p in node.items
            )
        if isinstance(node, nodes.Keyword):
            return self._bound(node.value)
        raise TooMuchText(node)  # nothing else gets past TreeCheck

    def _optional(self, node: nodes.Node | None, default: int) -> int:
        return default if node is None else self._bound(node)

    def _filter(self, node: nodes.Filter) -> int:
        """The longest text filter `node` can return, from the longest value it gets (`n`) and
        its arguments' (a list's bound counts its items, so `n` bounds their number too)."""
        assert node.node is not None  # only {% filter %} blocks have none, refused
        n = self._bound(node.node)
        given = [*node.args, *(kw.value for kw in node.kwargs)]
        bounds = {id(arg): self._bound(arg) for arg in given}  # each argument once

        def arg(param: str, default: int) -> int:
            return max((bounds[id(a)] for a in filter_arguments(node, param)), default=default)

        esc = self.escape
        name = node.name
        if name in {"count", "length", "wordcount"}:
            return self._SMALL
        if name in {"e", "escape"}:
            return self._ESCAPE * n
        if name in {"capitalize", "title", "upper", "lower"}:
            return 3 * n  # Unicode case mapping: at most 3 characters for one ('ﬃ' -> 'FFI')
        if name == "urlencode":
            return 12 * n  # a 4-byte UTF-8 character -> %XX%XX%XX%XX
        if name == "center":
            return max(n, _size(node, "width", 80))
        if name == "indent":
            return n + (n + 2) * _size(node, "width", 4)
        if name == "wordwrap":
            return n + (n + 1) * arg("wrapstring", 2)
        if name == "truncate":
            return n + arg("end", 3)
        if name == "replace":  # an empty `old` inserts `new` around every character
            return esc * n + (esc * n + 1) * esc * arg("new", 0)
        if name == "join":
            return esc * n + n * esc * arg("d", 0)
        if name in {"d", "default"}:
            return max(n, arg("default_value", 0))
        if name == "urlize":  # escaped text, href and text per link of at least 4 characters
            attributes = 40 + self._ESCAPE * (arg("rel", 8) + arg("target", 0))
            return 2 * self._ESCAPE * n + (n // 4 + 1) * attributes
        # first, last, string, striptags, trim: at most the value (or a list's item) itself
        return n


def _size(node: nodes.Filter, param: str, default: int) -> int:
    """A size argument (`TreeCheck` let through only constants up to MAX_SIZE_ARGUMENT)."""
    sizes = []
    for arg in filter_arguments(node, param):
        value = arg.value if isinstance(arg, nodes.Const) else None
        sizes.append(len(value) if isinstance(value, str) else value if type(value) is int else 0)
    return max(sizes, default=default)
