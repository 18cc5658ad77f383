"""Onboarding fixtures: signing in through the session, certifications, the content index."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.models import AuditEntry
from portal.content.model import ContentIndex
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification

_codes = itertools.count(1)


@pytest.fixture
def content(app) -> ContentIndex:
    return current_content()


@pytest.fixture
def certify(app):
    """Factory: a certification for the user's organisation on a path (committed)."""

    def make(
        user: User,
        path_id: str = "basics",
        expires_at: datetime | None = None,
        revoked: bool = False,
    ) -> Certification:
        now = utcnow()
        cert = Certification(
            user_id=user.id,
            organization_id=user.organization_id,
            path_id=path_id,
            certificate_name="Basics certificate",
            code=f"TESTCODE{next(_codes):08d}",
            issued_at=now - timedelta(days=1),
            expires_at=expires_at,
            revoked_at=now if revoked else None,
            revoked_reason="Test revocation" if revoked else None,
        )
        db.session.add(cert)
        db.session.commit()
        return cert

    return make


@pytest.fixture
def audit_actions(app):
    """The audit actions recorded for an organisation, oldest first."""

    def actions(org: Organization) -> list[str]:
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.organization_id == org.id)
                .order_by(AuditEntry.id)
            )
        )

    return actions
