"""Onboarding fixtures: signing in through the session, certifications, the content index."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.audit.models import AuditEntry
from portal.content.model import ContentIndex
from portal.content_runtime import current_content
from portal.extensions import db

_codes = itertools.count(1)


@pytest.fixture
def content(app) -> ContentIndex:
    return current_content()


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
