"""Find every regular expression in a source tree and time it on text built to make it backtrack.

`find_patterns(root)` walks the Python files with `ast`: `re.compile/match/fullmatch/search/
sub/subn/findall/finditer/split(...)`, `UserPattern(...)` (portal.patterns) and WTForms
`Regexp(...)`. A pattern given as an expression (a constant, an f-string) is evaluated in its
imported module; one that cannot be read that way is reported, so nothing escapes the check.
Each pattern is timed the way the code applies it (`fullmatch`, `match`, or scanning with
`search`/`sub`/`findall`): a compiled pattern's uses are the methods called on its name anywhere
in the tree, and a name used any other way counts as scanned (the costliest use).

`slow_inputs(pattern)` builds strings from the pattern's own characters: long runs of each
character and of each literal word it contains, after each possible prefix, ending in a
character that makes the match fail. A linear pattern reads 5,000 characters in well under a
millisecond; a quadratic one needs tenths of a second, an exponential one forever, so the budget
below is generous and a CPU-time timer (SIGVTALRM) stops a runaway match (`re` checks
signals as it runs).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

try:  # Python 3.11 moved the parser; the old name warns.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

RUN_LENGTH = 5_000
BUDGET_SECONDS = 0.2  # per input; a linear pattern needs about a thousandth of it

_APPLY = {"match", "fullmatch", "search", "sub", "subn", "findall", "finditer", "split"}
# Where the pattern and the flags sit among the positional arguments.
_RE_FLAGS_AT = {"compile": 1, "match": 2, "fullmatch": 2, "search": 2, "findall": 2,
                "finditer": 2, "split": 3, "sub": 4, "subn": 4}  # fmt: skip
_BUILDERS_FLAGS_AT = {"UserPattern": 2, "Regexp": 1}
_KILLERS = ("", "\x00", "!", "\n", "\u2603", "a", "0", " ")
# Stand-ins for the category escapes (\d \w \s and their negations) and for "any character".
_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "07",
    "CATEGORY_NOT_DIGIT": "a ",
    "CATEGORY_WORD": "a_é7",
    "CATEGORY_NOT_WORD": " .-",
    "CATEGORY_SPACE": " \t\n",
    "CATEGORY_NOT_SPACE": "a.",
    "CATEGORY_LINEBREAK": "\n",
    "CATEGORY_NOT_LINEBREAK": "a ",
}


@dataclass(frozen=True)
class FoundPattern:
    """One pattern in the source: where, what, and how the code applies it."""

    where: str  # path:line
    pattern: str | None  # None when the expression could not be read
    flags: int
    modes: frozenset[str]  # "fullmatch", "match" and/or "scan"

    def __str__(self) -> str:
        return f"{self.where}: {self.pattern!r}"


# --- finding patterns ----------------------------------------------------------------------


@dataclass
class _Site:
    path: Path
    line: int
    pattern: ast.expr
    flags: ast.expr | None
    name: str | None  # what it is assigned to, for a compiled pattern
    modes: frozenset[str] | None  # fixed by the call itself (re.fullmatch(...), Regexp(...))


def _mode(method: str) -> str:
    return method if method in ("match", "fullmatch") else "scan"


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def _sites(path: Path, tree: ast.Module) -> Iterator[_Site]:
    re_names = {"re"}
    bare: dict[str, str] = {}  # from re import fullmatch as fm
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            re_names |= {a.asname or a.name for a in node.names if a.name == "re"}
        elif isinstance(node, ast.ImportFrom) and node.module == "re":
            bare |= {a.asname or a.name: a.name for a in node.names}
    # UserPattern compiles the patterns it is given: those are checked where they are written.
    delegated = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name == "UserPattern"
        for inner in ast.walk(node)
    }
    targets: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name | ast.Attribute) and isinstance(node.value, ast.Call):
                targets[id(node.value)] = target.id if isinstance(target, ast.Name) else target.attr
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or id(node) in delegated:
            continue
        func = node.func
        kind: str | None = None
        if isinstance(func, ast.Name):
            kind = bare.get(func.id) or (func.id if func.id in _BUILDERS_FLAGS_AT else None)
        elif isinstance(func, ast.Attribute):
            in_re = isinstance(func.value, ast.Name) and func.value.id in re_names
            kind = func.attr if in_re or func.attr in _BUILDERS_FLAGS_AT else None
        if kind in _RE_FLAGS_AT:
            flags = _argument(node, _RE_FLAGS_AT[kind], "flags")
            compiled = kind == "compile"
        elif kind in _BUILDERS_FLAGS_AT:
            flags = _argument(node, _BUILDERS_FLAGS_AT[kind], "flags")
            compiled = kind == "UserPattern"
        else:
            continue
        fixed = None if compiled else frozenset({_mode("match" if kind == "Regexp" else kind)})
        name = targets.get(id(node)) if compiled else None
        yield _Site(path, node.lineno, node.args[0], flags, name, fixed)


def _uses(trees: list[ast.Module]) -> dict[str, set[str]]:
    """For every name: how it is applied (`NAME.fullmatch(...)`); any other use counts as scan."""
    uses: dict[str, set[str]] = {}
    for tree in trees:
        applied: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in _APPLY:
                inner = node.value
                name = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", None)
                if name:
                    uses.setdefault(name, set()).add(_mode(node.attr))
                    applied.add(id(inner))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and id(node) not in applied:
                name = node.id if isinstance(node, ast.Name) else node.attr
                if isinstance(node.ctx, ast.Load):
                    uses.setdefault(name, set()).add("other")
    return uses


def _module(path: Path, root: Path) -> ModuleType | None:
    """The module behind `path`: imported by dotted name under a package, else from the file."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    if dotted in sys.modules:
        return sys.modules[dotted]
    try:
        return importlib.import_module(dotted)
    except ImportError:
        spec = importlib.util.spec_from_file_location(f"_regex_check_{abs(hash(path))}", path)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _evaluate(expr: ast.expr | None, path: Path, root: Path) -> Any:
    if expr is None:
        return 0
    if isinstance(expr, ast.Constant):
        return expr.value
    module = _module(path, root)
    namespace = {"re": re, **(vars(module) if module else {})}
    code = compile(ast.Expression(expr), str(path), "eval")
    return eval(code, namespace)  # noqa: S307 - the project's own source, for its constants


def find_patterns(root: Path) -> list[FoundPattern]:
    """Every regular expression in the Python files under `root`."""
    files = sorted(root.rglob("*.py"))
    trees = [ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in files]
    uses = _uses(trees)
    found = []
    for path, tree in zip(files, trees, strict=True):
        for site in _sites(path, tree):
            where = f"{path.relative_to(root.parent)}:{site.line}"
            modes = site.modes
            if modes is None:
                seen = uses.get(site.name or "", {"other"})
                modes = frozenset("scan" if mode == "other" else mode for mode in seen)
            try:
                pattern = _evaluate(site.pattern, path, root)
                flags = int(_evaluate(site.flags, path, root))
            except Exception:  # a local variable, a call: not readable without running the code
                pattern, flags = None, 0
            if not isinstance(pattern, str):
                pattern = None
            found.append(FoundPattern(where, pattern, flags, modes))
    return found


# --- building slow inputs and timing them --------------------------------------------------


def _alphabet(parsed: Any, chars: set[str], words: set[str]) -> None:
    literal_run: list[str] = []

    def end_run() -> None:
        if len(literal_run) > 1:
            words.add("".join(literal_run))
        literal_run.clear()

    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            literal_run.append(chr(value))
            chars.add(chr(value))
            continue
        end_run()
        if name == "NOT_LITERAL":
            chars.add("a" if value != ord("a") else "b")
        elif name == "ANY":
            chars.update("a\n")
        elif name == "IN":
            for item_op, item in value:
                item_name = str(item_op)
                if item_name == "LITERAL":
                    chars.add(chr(item))
                elif item_name == "RANGE":
                    low, high = item
                    chars.update({chr(low), chr((low + high) // 2), chr(high)})
                elif item_name == "CATEGORY":
                    chars.update(_CATEGORY_CHARS.get(str(item), ""))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _alphabet(value[2], chars, words)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            _alphabet(value[-1], chars, words)
        elif name == "BRANCH":
            for branch in value[1]:
                _alphabet(branch, chars, words)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _alphabet(value[1], chars, words)
        elif name == "GROUPREF_EXISTS":
            for branch in value[1:]:
                if branch is not None:
                    _alphabet(branch, chars, words)
    end_run()


def slow_inputs(
    pattern: str, flags: int = 0, anchored: bool = True, length: int = RUN_LENGTH
) -> Iterator[str]:
    """Strings of about `length` characters built from the pattern's own characters and words.

    `anchored`: the pattern is applied at the start only (match, fullmatch), so a run is also
    tried after each character and word that may lead into it. A scan tries every start anyway.
    """
    chars: set[str] = set()
    words: set[str] = set()
    _alphabet(sre_parse.parse(pattern, flags), chars, words)
    units = sorted(chars) + sorted(words)
    prefixes = ["", *units] if anchored else [""]
    for unit in units:
        run = unit * max(1, length // len(unit))
        for prefix in prefixes:
            for killer in _KILLERS:
                yield prefix + run + killer


class _TooSlow(Exception):
    pass


def _interrupt(signum: int, frame: Any) -> None:
    raise _TooSlow


def _seconds(apply: Any, text: str, budget: float) -> float:
    """The CPU time `apply(text)` takes, or `inf` past the budget (a CPU-time timer stops the
    match). CPU time, not wall-clock: a machine busy with other work does not inflate it."""
    previous = signal.signal(signal.SIGVTALRM, _interrupt)
    signal.setitimer(signal.ITIMER_VIRTUAL, budget)
    started = time.thread_time()
    try:
        apply(text)
    except _TooSlow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
    return time.thread_time() - started


@dataclass(frozen=True)
class Verdict:
    """A super-linear pattern: the input that shows it, and its time at two lengths."""

    mode: str
    text: str
    seconds: float
    longer_seconds: float  # on the same input built four times as long

    def __str__(self) -> str:
        longer = (
            "past the budget"
            if self.longer_seconds == float("inf")
            else (f"{self.longer_seconds * 1000:.0f} ms")
        )
        short = (
            "past the budget" if self.seconds == float("inf") else (f"{self.seconds * 1000:.1f} ms")
        )
        return (
            f"{self.mode} on {describe(self.text)} takes {short}; "
            f"four times as long an input: {longer}"
        )


def _best_of(apply: Any, text: str, budget: float, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        seconds = _seconds(apply, text, budget)
        if seconds == float("inf"):
            # Past a budget hundreds of times what a linear pattern needs: no quieter moment
            # would bring it back under, so the other runs would only repeat the wait.
            return seconds
        best = min(best, seconds)
    return best


def super_linear(pattern: str, flags: int, modes: frozenset[str]) -> Verdict | None:
    """How the pattern shows super-linear time on inputs built from it, or None when it does not.

    Every input of `slow_inputs` is timed; past BUDGET_SECONDS is super-linear at once (an
    exponential pattern never finishes). The three slowest are timed again, and on the same
    input built four times as long: a linear pattern takes about 4 times as long, a quadratic
    one 16 times. Growth above 10 times, past 50 ms, is super-linear. Best of three runs each,
    so a busy machine does not make a linear pattern look slow.
    """
    compiled = re.compile(pattern, flags)
    appliers = {"fullmatch": compiled.fullmatch, "match": compiled.match,
                "scan": compiled.findall}  # fmt: skip
    anchored = bool(modes & {"match", "fullmatch"})
    timed: list[tuple[float, str, str, str]] = []
    for text, longer in zip(
        slow_inputs(pattern, flags, anchored),
        slow_inputs(pattern, flags, anchored, RUN_LENGTH * 4),
        strict=True,
    ):
        for mode in sorted(modes):
            seconds = _seconds(appliers[mode], text, BUDGET_SECONDS)
            if seconds == float("inf"):
                return Verdict(mode, text, seconds, float("inf"))
            timed.append((seconds, mode, text, longer))
    timed.sort(reverse=True)
    for _seconds_once, mode, text, longer in timed[:3]:
        seconds = _best_of(appliers[mode], text, BUDGET_SECONDS)
        longer_seconds = _best_of(appliers[mode], longer, BUDGET_SECONDS * 5)
        if longer_seconds > 0.05 and longer_seconds > 10 * seconds:
            return Verdict(mode, text, seconds, longer_seconds)
    return None


def describe(text: str) -> str:
    """A long input as its start, its length and its end, for a failure message."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:12]!r} ... {len(text):,} characters ... {text[-12:]!r}"
