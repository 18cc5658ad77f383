"""Route-table helpers shared by tests/test_access.py and the per-feature tables beside it.

Each feature keeps its routes in `tests/access_<feature>.py` as `ROUTES: dict[str, Route]`;
tests/test_access.py merges them, so every route of the app has exactly one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROLES = ("anonymous", "partner_user", "partner_admin", "other_partner", "staff", "admin")


def everyone(outcome: Any) -> dict[str, Any]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Any = 200) -> dict[str, Any]:
    return {**everyone(outcome), "anonymous": "login"}


def partners(outcome: Any = 200, other: Any = None) -> dict[str, Any]:
    """Partner pages; `other` is the outcome for the partner of another organisation."""
    return {
        "anonymous": "login",
        "partner_user": outcome,
        "partner_admin": outcome,
        "other_partner": outcome if other is None else other,
        "staff": 403,
        "admin": 403,
    }


def partner_admins(outcome: Any = 200) -> dict[str, Any]:
    return {**partners(outcome), "partner_user": 403}


def staff(outcome: Any = 200) -> dict[str, Any]:
    return {
        "anonymous": "login",
        "partner_user": 403,
        "partner_admin": 403,
        "other_partner": 403,
        "staff": outcome,
        "admin": outcome,
    }


def admins(outcome: Any = "ok") -> dict[str, Any]:
    return {**staff(outcome), "staff": 403}


@dataclass
class Route:
    url: str  # formatted with the World's attributes
    expected: dict[str, Any]
    method: str = "GET"
    data: dict[str, str] | None = None
