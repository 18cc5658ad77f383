"""Who may use what: one decorator per kind of access, and organisation scoping.

HTML requests from anonymous users are sent to the login page; signed-in users without the
right role get 403. Objects of another organisation answer 404 (their existence is not
revealed) through `scoped_to_org`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from flask_login import login_required as _flask_login_required

from portal.accounts.models import User
from portal.content.library import Audience
from portal.content.model import Program

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "admin_required",
    "audience_check",
    "login_required",
    "partner_admin_required",
    "partner_required",
    "public",
    "scoped_to_org",
    "staff_required",
]


def _mark(view: Callable[..., Any], access: str) -> None:
    # A function attribute, read by tests/test_access.py on every route; set through vars()
    # because a typed Callable declares no attribute to assign.
    vars(view)["access"] = access


def public(view: F) -> F:
    """Mark a view as open to anyone, signed in or not (documents intent; checked by tests)."""
    _mark(view, "public")
    return view


def login_required(view: F) -> F:
    """Any signed-in user; anonymous users are sent to the login page."""
    wrapped = _flask_login_required(view)
    _mark(wrapped, "signed_in")
    return wrapped


def _role_required(check: Callable[[User], bool], access: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @_flask_login_required
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        _mark(wrapped, access)
        return wrapped

    return decorator


partner_required = _role_required(
    lambda u: u.is_partner and u.organization_id is not None, "partner"
)
partner_admin_required = _role_required(
    lambda u: u.is_partner_admin and u.organization_id is not None, "partner_admin"
)
staff_required = _role_required(lambda u: u.is_staff, "staff")
admin_required = _role_required(lambda u: u.is_admin, "admin")


def scoped_to_org(stmt: sa.Select, org_column: Any, user: User) -> sa.Select:
    """Limit a query to the user's organisation; staff see every organisation.

    The one place where organisation scoping happens: views pass the column that holds the
    owning organisation (e.g. `QuizAttempt.organization_id`).
    """
    if user.is_staff:
        return stmt
    if user.organization_id is None:
        return stmt.where(sa.false())
    return stmt.where(org_column == user.organization_id)


def audience_check(user: User, program: Program) -> Callable[[Audience], bool]:
    """Whether an item's audience admits the user's organisation (its partner type and tier).

    The one place partner material (kits, playbooks, search results) is filtered: partners see
    what their type and tier admit, and never a staff-only item; staff are admitted to the
    staff-only items (the partner team's handbook) and to nothing else (partner pages answer
    them 403 anyway); users without an organisation are admitted nowhere.
    """
    org = user.organization
    if user.is_staff:
        return lambda audience: audience.staff_only
    if org is None:
        return lambda audience: False
    partner_type, rank = org.partner_type, program.tier_rank(org.tier)
    return lambda audience: audience.admits(partner_type, rank)
