"""The accounts feature's public functions: the one door other features use.

Other features change organisations and users only through these (never by writing
`Organization` or `User` columns themselves), and call nothing else in `portal.accounts`
except, for now, `models` (the classes, for type hints and read-only queries) and `access`
(the role decorators and organisation scoping).

- the organisation lifecycle (`lifecycle`): register, start onboarding, activate, suspend,
  reinstate, and the TransitionRefused a view shows when a move is not allowed;
- who may sign in (`authentication`): checking a password, ending a user's sessions,
  deactivating and reactivating people;
- people (`users`, `invites`): look-ups, team lists, inviting someone;
- the account errors and e-mail rules (`credentials`);
- single sign-on's needs (`provisioning`, `sign_in_routes`, `signin`): who uses an e-mail
  domain, creating a user on first sign-in, accepting an invitation without a password,
  whether a user may sign in, starting their session, and the login page's router slot.
"""

from __future__ import annotations

from portal.accounts.authentication import (
    authenticate,
    deactivate_user,
    end_all_sessions,
    reactivate_user,
)
from portal.accounts.credentials import AccountError, EmailInUse, InvalidEmail, normalise_email
from portal.accounts.invites import (
    accept_invite_by_provider,
    create_invite,
    open_invite_for,
    pending_invites,
)
from portal.accounts.lifecycle import (
    TransitionRefused,
    activate_organization,
    awaiting_activation,
    change_region,
    change_tier,
    register_organization,
    reinstate_organization,
    reinstated_status,
    start_onboarding,
    suspend_organization,
)
from portal.accounts.provisioning import (
    STAFF_ACCOUNTS,
    domain_users_elsewhere,
    provision_user,
    sign_in_refusal,
)
from portal.accounts.sign_in_routes import SignInRouter, register_sign_in_router
from portal.accounts.signin import sign_in_user
from portal.accounts.users import ROLE_LABELS, team_members, user_by_email

__all__ = [
    "ROLE_LABELS",
    "STAFF_ACCOUNTS",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "SignInRouter",
    "TransitionRefused",
    "accept_invite_by_provider",
    "activate_organization",
    "authenticate",
    "awaiting_activation",
    "change_region",
    "change_tier",
    "create_invite",
    "deactivate_user",
    "domain_users_elsewhere",
    "end_all_sessions",
    "normalise_email",
    "open_invite_for",
    "pending_invites",
    "provision_user",
    "reactivate_user",
    "register_organization",
    "register_sign_in_router",
    "reinstate_organization",
    "reinstated_status",
    "sign_in_refusal",
    "sign_in_user",
    "start_onboarding",
    "suspend_organization",
    "team_members",
    "user_by_email",
]
