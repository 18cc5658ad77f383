"""The MDF feature's public door: what other features may import from it.

Where each rule lives: balance.py (funds held and released, one conditional UPDATE),
service.py (request, approve fully or partly, reject), claims.py (claim with proof, approve or
reject the claim, pay), expiry.py (`flask mdf expire`), listing.py (queues and the budget).
"""

from __future__ import annotations

from portal.mdf.balance import Balance, balance_of, period_of
from portal.mdf.models import RequestStatus, mdf_reference
from portal.mdf.service import MdfError, status_label

__all__ = [
    "Balance",
    "MdfError",
    "RequestStatus",
    "balance_of",
    "mdf_reference",
    "period_of",
    "status_label",
]
