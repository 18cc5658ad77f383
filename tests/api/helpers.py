"""Tokens and requests for the API tests."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import User
from portal.api.tokens import create_token
from portal.extensions import db


def token_for(user: User, *scopes: str, days: int = 30) -> str:
    """A new token of the user's kind with the scopes (committed); its secret."""
    created = create_token(user, "Test token", list(scopes), days)
    db.session.commit()
    return created.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def referral_body(**fields: Any) -> dict[str, Any]:
    """A valid referral for the fixture program (region Europe, currency USD)."""
    body: dict[str, Any] = {
        "company_name": "Northwind Traders",
        "company_website": "northwind-traders.com",
        "contact_name": "Dana Whitfield",
        "contact_email": "dana@northwind-traders.com",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value": "48000",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "One pipeline view instead of spreadsheets.",
        "involvement": "sourced",
        "consent": True,
    }
    body.update(fields)
    return body
