"""The customer list as staff read it: search and page by domain.

Changing the list (add, remove, CSV import) is the referral feature's: portal.referrals.api.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.pagination import Page, cut_page
from portal.referrals.api import CUSTOMER_DOMAIN_MAX, CUSTOMER_NAME_MAX
from portal.referrals.models import Customer

__all__ = ["PAGE_SIZE", "CustomerPage", "list_customers"]

PAGE_SIZE = 50


# Customers by domain; the cursor (`?after=`) is the last domain shown.
CustomerPage = Page[Customer, str]


def list_customers(q: str = "", cursor: str | None = None, limit: int = PAGE_SIZE) -> CustomerPage:
    """Customers by domain, `limit` at a time after `cursor` (a domain), matching `q`."""
    stmt = sa.select(Customer).order_by(Customer.domain).limit(limit + 1)
    q = " ".join(q.split())[:CUSTOMER_NAME_MAX].lower()
    if q:
        needle = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                Customer.domain.like(needle, escape="\\"),
                sa.func.lower(Customer.name).like(needle, escape="\\"),
            )
        )
    if cursor:
        stmt = stmt.where(Customer.domain > cursor[:CUSTOMER_DOMAIN_MAX])
    customers = list(db.session.scalars(stmt))
    return cut_page(
        customers, limit, cursor_of=lambda customer: customer.domain, after=cursor or None
    )
