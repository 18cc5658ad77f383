"""Rows as the API's schemas describe them (portal/api/schemas.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.accounts.models import Organization
from portal.referrals.api import event_title, reference_of, stage_name


def referral_dict(
    referral: Any, changed_at: datetime | None, staff: bool = False
) -> dict[str, Any]:
    """A referral; `changed_at` is its latest event (its submission when it has none).

    `staff`: the reader holds a staff token, which also reads the owner's e-mail address (what
    a CRM matches its users on, and what `PUT .../owner` takes).
    """
    owner = referral.owner
    return {
        "reference": referral.reference,
        "organization_id": referral.organization_id,
        "status": referral.status,
        "stage": stage_name(referral.status),
        "company_name": referral.company_name,
        "company_website": referral.company_website,
        "contact_name": referral.contact_name,
        "contact_email": referral.contact_email,
        "contact_phone": referral.contact_phone,
        "contact_role": referral.contact_role,
        "region": referral.region,
        "estimated_value_minor": referral.estimated_value_minor,
        "estimated_currency": referral.estimated_currency,
        "expected_timing": referral.expected_timing,
        "involvement": referral.involvement,
        "customer_need": referral.customer_need,
        # Partners see the owner's first name on their pages; the API says no more.
        "owner_first_name": owner.first_name if owner is not None else None,
        "owner_email": owner.email if owner is not None and staff else None,
        "deal_value_minor": referral.deal_value_minor,
        "deal_currency": referral.deal_currency,
        "submitted_at": referral.submitted_at,
        "first_response_due_at": referral.first_response_due_at,
        "closed_at": referral.closed_at,
        "last_changed_at": changed_at or referral.submitted_at,
    }


def event_dict(event: Any) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "title": event_title(event),
        "message": event.message,
        "to_status": event.to_status,
        "partner_visible": event.partner_visible,
        "created_at": event.created_at,
    }


def commission_dict(row: Any) -> dict[str, Any]:
    """A commission of the earnings page (portal.referrals.api.earnings_for's rows)."""
    commission = row.commission
    return {
        "referral": reference_of(commission.referral_id),
        "company_name": row.company_name,
        "status": commission.status,
        "amount_minor": commission.amount_minor,
        "currency": commission.currency,
        "deal_value_minor": commission.deal_value_minor,
        "created_at": commission.created_at,
        "approved_at": commission.approved_at,
        "paid_at": commission.paid_at,
    }


def organization_dict(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "partner_type": org.partner_type,
        "tier": org.tier,
        "status": org.status,
        "region": org.region,
        "website": org.website,
        "created_at": org.created_at,
        "activated_at": org.activated_at,
    }


def certification_dict(cert: Any) -> dict[str, Any]:
    return {
        "id": cert.id,
        "holder_name": cert.user.display_name,
        "path_id": cert.path_id,
        "certificate_name": cert.certificate_name,
        "code": cert.code,
        "issued_at": cert.issued_at,
        "expires_at": cert.expires_at,
        "revoked": cert.revoked_at is not None,
    }
