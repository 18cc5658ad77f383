"""Demo data: the partner agreement accepted across the demo program.

Every active organisation's first partner admin accepted the version before the newest one
when the organisation was activated, and so did the demo organisations named in `also`: their
admins see the newest version waiting "accept by" its effective date, and staff see the state
on each organisation page. The other demo organisation has accepted nothing yet, so its admin
can accept from onboarding.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.compliance.models import AgreementAcceptance
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.extensions import db


def load_demo_agreements(content: ContentIndex, also: Iterable[str] = ()) -> int:
    """Record the demo acceptances (one bulk insert); how many."""
    terms = content.program.agreement
    if terms is None:
        return 0
    version = max(terms.version - 1, 1)
    rows = db.session.execute(
        sa.select(Organization.id, Organization.activated_at, User.id, User.name)
        .join(User, User.organization_id == Organization.id)
        .where(
            User.role == Role.PARTNER_ADMIN.value,
            sa.or_(
                Organization.status == OrgStatus.ACTIVE.value,
                Organization.name.in_(list(also)),
            ),
        )
        .order_by(Organization.id, User.id)
    ).all()
    seen: set[int] = set()
    values = []
    for org_id, activated_at, user_id, name in rows:  # each organisation's first admin
        if org_id in seen:
            continue
        seen.add(org_id)
        values.append(
            {
                "organization_id": org_id,
                "version": version,
                "accepted_by_id": user_id,
                "signer_name": name or "Partner admin",
                "accepted_at": activated_at or utcnow() - timedelta(days=90),
            }
        )
    if values:
        db.session.execute(sa.insert(AgreementAcceptance), values)
    return len(values)
