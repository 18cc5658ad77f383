"""Approved funds not claimed by the deadline go back to the period's funds.

`flask mdf expire` runs this daily (cron, e.g. `15 2 * * *`): every request still approved
whose `claim_due_on` is before today becomes expired and releases what it held. A request
with a claim waiting for staff is not approved any more, so it never expires under them.
Each request is locked and checked again before it changes, so a claim submitted at the same
moment either wins (the request is claimed) or finds it expired.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.mdf import balance
from portal.mdf.models import MdfRequest, RequestStatus
from portal.mdf.service import audit, notify_admins

BATCH = 500


def expire_unclaimed(today: date) -> int:
    """Expire approvals whose claim deadline passed before `today`; how many. No commit."""
    ids = list(
        db.session.scalars(
            sa.select(MdfRequest.id)
            .where(
                MdfRequest.status == RequestStatus.APPROVED,
                MdfRequest.claim_due_on < today,
            )
            .order_by(MdfRequest.id)
            .limit(BATCH)
        )
    )
    expired = 0
    for request_id in ids:
        request = db.session.scalar(
            sa.select(MdfRequest)
            .where(MdfRequest.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if request is None or request.status != RequestStatus.APPROVED:
            continue
        if request.claim_due_on >= today:
            continue
        released = request.held_minor
        balance.release(request.allocation_id, released)
        request.held_minor = 0
        request.status = RequestStatus.EXPIRED
        audit(
            None,
            "mdf.expired",
            request,
            {"status": RequestStatus.APPROVED},
            {"status": RequestStatus.EXPIRED, "amount_minor": released},
        )
        notify_admins(
            request,
            f"Funds expired for {request.title}",
            f"No claim arrived by {request.claim_due_on:%d %b %Y}, so the approved funds "
            "went back to your organisation's balance.",
            "",
        )
        expired += 1
    return expired
