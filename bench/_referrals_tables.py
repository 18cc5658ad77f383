"""The tables the referral benchmark writes, and their columns in the seeder's tuple order."""

from __future__ import annotations

import sqlalchemy as sa

from bench._seed import ORG_COLUMNS, USER_COLUMNS, _names

REFERRAL_COLUMNS = _names(
    "id organization_id submitted_by_id owner_id idempotency_key company_name company_website "
    "company_domain company_name_key contact_name contact_email contact_phone contact_role "
    "region estimated_value_minor estimated_currency expected_timing customer_need involvement "
    "consent_confirmed_at status conflict_reason conflict_with_id close_reason deal_value_minor "
    "deal_currency submitted_at first_response_due_at first_responded_at "
    "last_partner_update_at next_due_at reminded_due_at closed_at accepted_at"
)
EVENT_COLUMNS = _names(
    "id referral_id kind partner_visible actor_id message from_status to_status created_at"
)
REGISTRATION_COLUMNS = _names(
    "id company_key referral_id organization_id registered_at protected_until"
)
CUSTOMER_COLUMNS = ("id", "domain", "name", "added_by_id", "created_at")
COMMISSION_COLUMNS = _names(
    "id referral_id organization_id amount_minor currency deal_value_minor rate_percent capped "
    "partner_type involvement explanation status status_before_dispute created_at "
    "approvable_from approved_at approved_by_id paid_at paid_by_id payout_reference"
)
TABLES = (
    "organizations",
    "users",
    "customers",
    "referrals",
    "referral_events",
    "company_registrations",
    "commissions",
)
COLUMNS = {
    "organizations": ORG_COLUMNS,
    "users": USER_COLUMNS,
    "customers": CUSTOMER_COLUMNS,
    "referrals": REFERRAL_COLUMNS,
    "referral_events": EVENT_COLUMNS,
    "company_registrations": REGISTRATION_COLUMNS,
    "commissions": COMMISSION_COLUMNS,
}


def check_columns(metadata: sa.MetaData) -> None:
    """Fail early and clearly when a model gained a NOT NULL column the seeder does not fill."""
    for table, columns in COLUMNS.items():
        model = metadata.tables[table]
        missing = [
            c.name
            for c in model.columns
            if not c.nullable and c.server_default is None and c.name not in columns
        ]
        unknown = [name for name in columns if name not in model.columns]
        if missing or unknown:
            raise SystemExit(
                f"bench/_referrals_seed.py is out of date for table {table}: "
                f"missing {missing}, unknown {unknown}"
            )
