"""Finding and creating accounts: look-ups by e-mail, team lists, admin accounts."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.credentials import EmailInUse, check_password_rules, normalise_email
from portal.accounts.models import Organization, Role, User
from portal.audit.service import record_audit
from portal.extensions import db

__all__ = [
    "ROLE_LABELS",
    "create_admin",
    "ensure_email_free",
    "role_label",
    "team_members",
    "user_by_email",
]

ROLE_LABELS: dict[str, str] = {  # keyed by Role, a str: `role_label` looks up plain strings
    Role.PARTNER_USER: "Partner user",
    Role.PARTNER_ADMIN: "Partner admin",
    Role.STAFF: "Staff",
    Role.ADMIN: "Admin",
}


def role_label(role: str) -> str:
    """A role in words ("Partner admin"), as every page and e-mail names it (`role_label`)."""
    return ROLE_LABELS.get(role, role)


def user_by_email(email: str) -> User | None:
    """The account with this (already normalised) e-mail address, whatever its state."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def ensure_email_free(email: str) -> None:
    """Raise EmailInUse when someone already has an account with this address."""
    if user_by_email(email) is not None:
        raise EmailInUse(f"{email} already has an account.")


def team_members(org: Organization) -> list[User]:
    """Everyone in the organisation, admins first, then by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organization_id == org.id)
            .order_by(sa.case((User.role == Role.PARTNER_ADMIN, 0), else_=1), User.name, User.email)
        )
    )


def create_admin(email: str, name: str, password: str) -> User:
    """Create an admin account (no organisation); raises EmailInUse or WeakPassword."""
    email = normalise_email(email)
    ensure_email_free(email)
    check_password_rules(password, email)
    user = User(email=email, name=name.strip(), role=Role.ADMIN, organization=None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_audit(None, "user.admin_created", "user", user.id, after={"email": email})
    return user
