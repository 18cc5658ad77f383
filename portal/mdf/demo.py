"""Demo MDF for `flask demo load`: Harbor Systems (silver) using its funds.

Told through the portal's own functions, backdated from now: a webinar paid last week whose
claim links the referrals it produced, a roadshow approved in part waiting for its
claim, a trade-show stand waiting for a decision, and a request the partner team rejected.
The proof files are small generated files stored like real uploads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import store_upload
from portal.mdf.claims import ClaimInput, StoredProof, approve_claim, mark_paid, submit_claim
from portal.mdf.models import MdfRequest
from portal.mdf.service import RequestInput, approve, reject, request_funds
from portal.referrals.api import ReferralStatus, referral_ids_of

DEMO_INVOICE = b"%PDF-1.4\n% Demo invoice: Harbor Systems webinar, USD 4,200.00\n%%EOF\n"
DEMO_ATTENDEES = b"name,company\nJo Park,Acme\nRae Lind,Globex\nSam Ode,Initech\n"


def _proofs() -> tuple[StoredProof, ...]:
    invoice = store_upload(DEMO_INVOICE, "application/pdf")
    attendees = store_upload(DEMO_ATTENDEES, "text/csv")
    return (
        StoredProof(
            "invoice", invoice, "webinar-invoice.pdf", "application/pdf", len(DEMO_INVOICE)
        ),
        StoredProof("attendees", attendees, "attendees.csv", "text/csv", len(DEMO_ATTENDEES)),
    )


def load_demo_mdf(users: Sequence[User], program: Program, now: datetime | None = None) -> int:
    """Create the demo requests once (nothing when any exists); how many were created."""
    rules = program.mdf
    if rules is None or db.session.scalar(sa.select(MdfRequest.id).limit(1)) is not None:
        return 0
    now = now or utcnow()
    staff = next((u for u in users if u.is_staff), None)
    admin = next(
        (
            u
            for u in users
            if u.role == Role.PARTNER_ADMIN
            and u.organization is not None
            and rules.allocation_for(u.organization.tier) > 0
        ),
        None,
    )
    if staff is None or admin is None or admin.organization is None:
        return 0
    db.session.flush()
    currency = program.currency
    kinds = [t.id for t in rules.activity_types]

    def ask(days_ago: int, activity_in: int, title: str, text: str, amount: int) -> MdfRequest:
        asked = now - timedelta(days=days_ago)
        data = RequestInput(
            activity_type=kinds[len(title) % len(kinds)],
            activity_date=(asked + timedelta(days=activity_in)).date(),
            title=title,
            description=text,
            amount_minor=amount,
            expected_attendees=40,
            expected_meetings=6,
        )
        return request_funds(admin, data, rules, currency, now=asked)

    webinar = ask(12, 2, "Joint webinar: logistics analytics", "A 45-minute webinar.", 300_000)
    approve(webinar, staff, 300_000, "", now=now - timedelta(days=11), rules=rules)
    # The referrals the webinar produced: the organisation's furthest along, won first.
    org_id = admin.organization.id
    produced = [
        *referral_ids_of(org_id, ReferralStatus.WON),
        *referral_ids_of(org_id, "proposal"),
        *referral_ids_of(org_id, "qualified"),
    ]
    claim = ClaimInput(
        actual_cost_minor=420_000,
        attendees=3,
        meetings=2,
        results="Two meetings booked, and both became referrals in the portal.",
        referral_ids=tuple(produced[:2]),
        proofs=_proofs(),
    )
    submit_claim(webinar, admin, claim, now=now - timedelta(days=8))
    approve_claim(webinar, staff, rules, now=now - timedelta(days=6))
    mark_paid(webinar, staff, "PAY-MDF-0001", now=now - timedelta(days=4))

    roadshow = ask(6, 20, "Roadshow stop in Rotterdam", "A stand and a talk.", 400_000)
    approve(roadshow, staff, 250_000, "Stand only; the catering is yours.", now=now, rules=rules)
    ask(2, 30, "Trade show stand", "A shared stand with the vendor's team.", 150_000)
    gifts = ask(3, 10, "Customer gifts", "Branded gifts for top customers.", 50_000)
    reject(
        gifts,
        staff,
        "Gifts are not a co-marketing activity under the program.",
        now=now,
        rules=rules,
    )
    return 4
