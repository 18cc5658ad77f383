"""Approved funds not claimed by the deadline go back to the funds of the period in progress.

`flask mdf expire` runs this daily (cron, e.g. `15 2 * * *`): every request still approved
whose `claim_due_on` is before today becomes expired and releases what it held. A request
with a claim waiting for staff is not approved any more, so it never expires under them.
Each request is locked and checked again before it changes, so a claim submitted at the same
moment either wins (the request is claimed) or finds it expired. The funds go to the period
of `today`, not the request's own (usually closed by then): see portal/mdf/balance.py.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.content.model_governance import MdfRules
from portal.extensions import db
from portal.mdf import balance
from portal.mdf.models import MdfRequest, RequestStatus
from portal.mdf.service import audit, money, notify_admins, released_to

BATCH = 500


def expire_unclaimed(today: date, rules: MdfRules) -> int:
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
        period = balance.release(request, released, rules, today)
        request.held_minor = 0
        request.status = RequestStatus.EXPIRED
        audit(
            None,
            "mdf.expired",
            request,
            {"status": RequestStatus.APPROVED},
            {"status": RequestStatus.EXPIRED, "amount_minor": released}
            | released_to(released, period),
        )
        notify_admins(
            request,
            f"Funds expired for {request.title}",
            f"No claim arrived by {request.claim_due_on:%d %b %Y}, so the approved "
            f"{money(request, released)} went back to your organisation's funds for {period}, "
            "where you can request it again.",
            "",
        )
        expired += 1
    return expired
