"""What every staff action on a referral shares: the row lock, the error, checks, audit entry.

The actions themselves are triage.py (assign, accept, reject), pipeline.py (next stage,
updates, notes) and outcomes.py (deal value, won, lost). Each takes a referral its caller
locked with `lock_referral`, so two people acting on one referral at once take turns.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.extensions import db
from portal.referrals.events import stage_name
from portal.referrals.models import Referral, ReferralStatus

REASON_MAX = 2000
MESSAGE_MAX = 5000
UNACCEPTED = frozenset({ReferralStatus.SUBMITTED, ReferralStatus.CONFLICT})


class ActionError(Exception):
    """An action that cannot be done; `message` is shown to the person who tried.

    `field` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def lock_referral(referral_id: int) -> Referral | None:
    """The referral, its row locked until the commit (FOR UPDATE; SQLite locks on write)."""
    return db.session.scalar(
        sa.select(Referral)
        .where(Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def clean_text(value: str, limit: int, blank_message: str, field: str) -> str:
    """The text trimmed; ActionError on `field` when it is blank or longer than `limit`."""
    text = (value or "").strip()
    if not text:
        raise ActionError(blank_message, field=field)
    if len(text) > limit:
        raise ActionError(f"Keep it to {limit} characters.", field=field)
    return text


def require_staff(actor: User) -> None:
    """A partner-team actor, else ActionError."""
    if actor is None or not actor.is_staff:
        raise ActionError("Only the partner team can do this.")


def require_open(actor: User, referral: Referral) -> None:
    """A partner-team actor and an open referral."""
    require_staff(actor)
    if not referral.is_open:
        raise ActionError(f"This referral is closed ({stage_of(referral)}); nothing can change it.")


def stage_of(referral: Referral) -> str:
    """The referral's status in words inside a sentence: "contacted", "under review"."""
    return stage_name(referral.status).lower()


def audit_referral(
    actor: User,
    action: str,
    referral: Referral,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """The audit entry of a staff action on the referral: `referral.<action>`, before, after."""
    record_audit(
        actor,
        f"referral.{action}",
        "referral",
        referral.id,
        organization_id=referral.organization_id,
        before=before,
        after=after,
    )
