"""Partners the fixture program's lead routing can choose (tests/fixtures/content/program.yml:
referral and reseller partners, registered tier or above, same region, listing the industry)."""

from __future__ import annotations

import pytest

from portal.accounts.models import OrgStatus, Role
from tests.conftest import new_org, new_user
from tests.leads.factories import add_industries


def eligible_partner(name: str, region: str = "Europe", industry: str = "Healthcare", **fields):
    fields.setdefault("status", OrgStatus.ACTIVE)
    org = new_org(name=name, region=region, **fields)
    add_industries(org.id, industry)
    new_user(Role.PARTNER_ADMIN, org, email=f"admin@{name.lower().replace(' ', '')}.example")
    return org


@pytest.fixture
def two_partners(app):
    """Two eligible partners for a German healthcare lead, and some that are not eligible."""
    first = eligible_partner("Alpha Partners")
    second = eligible_partner("Beta Partners", partner_type="reseller")
    eligible_partner("Gamma America", region="North America")
    eligible_partner("Delta Retail", industry="Retail")
    eligible_partner("Epsilon Alliance", partner_type="alliance")
    return first, second
