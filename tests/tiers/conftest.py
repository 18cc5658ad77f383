"""Helpers for the tier standing tests: organisations that meet (or miss) the fixture tiers.

The fixture program (tests/fixtures/content/program.yml): registered needs the agreement
accepted; silver one certified person and two accepted referrals in a year; gold three
certified people, five won deals or USD 100,000 won in a year, and a QBR in the last 183
days. Grace lasts 30 days; upgrades need approval.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.accounts.models import Organization, Role, User
from portal.compliance.models import AgreementAcceptance
from portal.content.model import Program
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals.models import ReferralEvent
from portal.tiers.models import AttestedFactRecord
from tests.conftest import new_certification, new_org, new_referral, new_user


@pytest.fixture
def program(app) -> Program:
    return current_content().program


def agree(org: Organization, version: int = 1) -> None:
    """A partner admin of the organisation accepted the partner agreement (`version`)."""
    admin = next((u for u in org.users if u.role == Role.PARTNER_ADMIN), None)
    admin = admin or new_user(Role.PARTNER_ADMIN, org)
    db.session.add(
        AgreementAcceptance(
            organization_id=org.id, version=version, accepted_by_id=admin.id, signer_name="A"
        )
    )
    db.session.commit()


def accept_referrals(user: User, count: int, at: datetime | None = None) -> None:
    """`count` referrals by `user`, accepted by the partner team at `at` (default now)."""
    for _ in range(count):
        referral = new_referral(user)
        referral.status = "accepted"
        referral.accepted_at = at or utcnow()
        db.session.add(
            ReferralEvent(
                referral_id=referral.id,
                kind="accepted",
                partner_visible=True,
                from_status="submitted",
                to_status="accepted",
                created_at=at or utcnow(),
            )
        )
    db.session.commit()


def attest(org: Organization, fact: str, on: date) -> None:
    db.session.add(AttestedFactRecord(organization_id=org.id, fact=fact, attested_on=on, note="x"))
    db.session.commit()


def silver_partner(name: str = "Silverline", tier: str = "silver") -> tuple[Organization, User]:
    """An active organisation that meets every silver requirement, and its partner admin."""
    org = new_org(name=name, tier=tier, status="active", activated_at=utcnow())
    admin = new_user(Role.PARTNER_ADMIN, org, name="Ada Admin")
    agree(org)
    new_certification(admin)
    accept_referrals(admin, 2)
    return org, admin
