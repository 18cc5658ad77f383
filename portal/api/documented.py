"""Which error statuses an operation documents (each a problem document, portal/api/problems)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask_smorest import Blueprint

F = TypeVar("F", bound=Callable[..., Any])

# Documented on a throwaway blueprint: alt_response only writes the view's API doc.
_DOCS = Blueprint("api_documented", __name__)


def documented(*codes: int) -> Callable[[F], F]:
    """Add the statuses to the operation's responses, by their shared component."""

    def decorator(view: F) -> F:
        for code in codes:
            view = _DOCS.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorator
