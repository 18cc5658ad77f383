"""Accounts an identity provider vouches for (single sign-on): who uses an e-mail domain,
creating a user on first sign-in, and why a known user may not sign in.

The single sign-on feature (`portal/sso`) decides whom a provider may sign in; the accounts
themselves are made and checked here, through `portal.accounts.api`. Functions add to the
session and never commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.credentials import AccountError, normalise_email
from portal.accounts.lifecycle import start_onboarding
from portal.accounts.models import PARTNER_ROLES, STAFF_ROLES, Organization, OrgStatus, User
from portal.accounts.users import ensure_email_free
from portal.audit.service import record_audit
from portal.extensions import db

__all__ = [
    "STAFF_ACCOUNTS",
    "domain_users_elsewhere",
    "provision_user",
    "sign_in_refusal",
]

# What `domain_users_elsewhere` names the partner team by (its users have no organisation).
STAFF_ACCOUNTS = "staff"


def domain_users_elsewhere(domain: str, organization_id: int | None) -> list[str]:
    """Who else has accounts at this e-mail domain: organisation names, or STAFF_ACCOUNTS.

    `organization_id` is the organisation claiming the domain (None: the partner team). A
    domain whose addresses already belong to another organisation's people cannot be claimed.
    """
    suffix = "@" + domain.lower()
    # The domain part is compared by its exact length: no pattern on user input.
    at_domain = sa.func.substr(User.email, sa.func.length(User.email) - len(suffix) + 1) == suffix
    elsewhere: sa.ColumnElement[bool]
    if organization_id is None:
        elsewhere = User.organization_id.is_not(None)
    else:
        elsewhere = sa.or_(User.organization_id.is_(None), User.organization_id != organization_id)
    rows = db.session.execute(
        sa.select(Organization.name, User.organization_id)
        .select_from(User)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(at_domain, elsewhere)
        .distinct()
        .limit(5)
    ).all()
    return sorted({name if org_id is not None else STAFF_ACCOUNTS for name, org_id in rows})


def provision_user(email: str, name: str, role: str, organization: Organization | None) -> User:
    """Create the account of someone signing in through their provider for the first time.

    Just-in-time provisioning: the caller checked that the organisation allows it. Partner
    roles need the organisation, staff roles none; an organisation still `invited` starts
    onboarding with its first member, as with an accepted invitation. Raises EmailInUse when
    the address has an account, AccountError when the organisation is suspended.
    """
    email = normalise_email(email)
    if role in PARTNER_ROLES and organization is None:
        raise AccountError("Partner users belong to an organisation.")
    if role in STAFF_ROLES and organization is not None:
        raise AccountError("Staff accounts do not belong to a partner organisation.")
    if organization is not None and organization.status == OrgStatus.SUSPENDED:
        raise AccountError("This organisation is suspended.")
    ensure_email_free(email)
    user = User(email=email, name=name.strip()[:200], role=role, organization=organization)
    db.session.add(user)
    db.session.flush()
    org_id = organization.id if organization is not None else None
    record_audit(
        user,
        "user.provisioned",
        "user",
        user.id,
        organization_id=org_id,
        after={"email": email, "role": role},
    )
    if organization is not None:
        start_onboarding(organization, user)
    return user


def sign_in_refusal(user: User) -> str | None:
    """Why this existing account may not sign in now, in words for its owner; None if it may."""
    if not user.active:
        return "Your account is deactivated. Ask your partner admin or the partner team."
    org = user.organization
    if org is not None and org.status == OrgStatus.SUSPENDED:
        return "Your organisation's access is suspended. Contact the partner team."
    return None
