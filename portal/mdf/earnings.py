"""The MDF section of the partner's earnings page, registered into the referrals' slot."""

from __future__ import annotations

from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf import balance, listing
from portal.referrals.api import EarningsSection

TEMPLATE = "mdf/_earnings_section.html"


def earnings_section(organization_id: int) -> EarningsSection | None:
    """The organisation's funds this period and its requests still in progress (2 queries)."""
    program = current_content().program
    rules = program.mdf
    org = db.session.get(Organization, organization_id)
    if rules is None or org is None:
        return None
    return EarningsSection(
        TEMPLATE,
        {
            "funds": balance.balance_of(org, rules, utcnow().date()),
            "requests": listing.in_progress(organization_id),
            "rules": rules,
            "currency": program.currency,
        },
    )
