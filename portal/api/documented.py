"""Which error statuses an operation documents (each a problem document, portal/api/problems)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask_smorest import Blueprint

F = TypeVar("F", bound=Callable[..., Any])

# Documented on a throwaway blueprint: alt_response only writes the view's API doc.
_DOCS = Blueprint("api_documented", __name__)


# Any request may meet these before its view runs: a NUL byte anywhere (400) and a query
# string longer than any operation needs (414), both refused by portal/http.py.
ALWAYS = (400, 414)


def documented(*codes: int) -> Callable[[F], F]:
    """Add the statuses to the operation's responses, by their shared component."""

    def decorator(view: F) -> F:
        for code in sorted({*ALWAYS, *codes}):
            view = _DOCS.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorator
