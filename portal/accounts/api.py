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
- the account errors and e-mail rules (`credentials`).
"""

from __future__ import annotations

from portal.accounts.authentication import (
    authenticate,
    deactivate_user,
    end_all_sessions,
    reactivate_user,
)
from portal.accounts.credentials import AccountError, EmailInUse, InvalidEmail, normalise_email
from portal.accounts.invites import create_invite, pending_invites
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
from portal.accounts.users import ROLE_LABELS, team_members, user_by_email

__all__ = [
    "ROLE_LABELS",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "TransitionRefused",
    "activate_organization",
    "authenticate",
    "awaiting_activation",
    "change_region",
    "change_tier",
    "create_invite",
    "deactivate_user",
    "end_all_sessions",
    "normalise_email",
    "pending_invites",
    "reactivate_user",
    "register_organization",
    "reinstate_organization",
    "reinstated_status",
    "start_onboarding",
    "suspend_organization",
    "team_members",
    "user_by_email",
]
