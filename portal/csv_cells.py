"""CSV cells a spreadsheet will not run: the one formula guard every export uses.

A spreadsheet treats a cell starting with `=`, `+`, `-`, `@`, tab or carriage return as a
formula (OWASP "CSV injection"); such cells get a leading single quote so they stay text.
"""

from __future__ import annotations

__all__ = ["guard_cell"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: str) -> str:
    """The cell as text a spreadsheet will not run: formula-like starts get a leading quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
