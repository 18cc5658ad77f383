"""Test factories for leads (committed rows, like tests/conftest.py's new_org)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.db_types import utcnow
from portal.extensions import db
from portal.leads.models import Lead, LeadIndustry, LeadOffer, LeadStatus


def new_lead(partner_id: int | None = None, **fields: Any) -> Lead:
    """A lead; with `partner_id`, offered to that partner (an open offer row beside it)."""
    now = utcnow()
    values: dict[str, Any] = {
        "company": "Northwind Health",
        "contact_name": "Nora North",
        "contact_email": "nora@northwind.example",
        "country": "DE",
        "region": "Europe",
        "industry": "Healthcare",
        "source": "staff",
        "status": LeadStatus.OFFERED if partner_id else LeadStatus.NEW,
        "partner_id": partner_id,
        "offered_at": now if partner_id else None,
        "accept_due_at": now + timedelta(hours=48) if partner_id else None,
        **fields,
    }
    lead = Lead(**values)
    db.session.add(lead)
    db.session.flush()
    if partner_id:
        db.session.add(LeadOffer(lead_id=lead.id, organization_id=partner_id, offered_at=now))
    db.session.commit()
    return lead


def add_industries(organization_id: int, *industries: str) -> None:
    db.session.add_all(
        LeadIndustry(organization_id=organization_id, industry=i) for i in industries
    )
    db.session.commit()
