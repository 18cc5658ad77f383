"""A hand-built program whose scorecard figures are written out in the tests.

`NOW` is 15 June 2026, 12:00 UTC; the scorecard asked for is 2026-Q2, so it shows 2025-Q3,
2025-Q4, 2026-Q1 and 2026-Q2. Rows sit on the quarters' edges on purpose: 23:59:59.999999 on
the last day belongs to the quarter, 00:00 on the next quarter's first day does not.

Acme (ours) has the figures below; Globex (another organisation) has rows in every table
too: they must never show in Acme's figures, only in the program's average win rate.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portal.accounts.models import Invite, Organization, OrgStatus, Role, User
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion
from portal.referrals.models import Commission, Referral
from portal.scorecard.quarters import Quarter
from tests.conftest import new_org, new_user

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SELECTED = Quarter(2026, 2)
FIRST_RESPONSE = timedelta(hours=48)
_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """'2026-03-31 23:59:59.999999' as a UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Dataset:
    acme: Organization
    globex: Organization
    acme_admin: User
    acme_user: User
    globex_admin: User


def referral(
    org: Organization,
    user: User,
    submitted: str,
    status: str,
    *,
    answered_after_hours: float | None = None,
    closed: str | None = None,
    deal_minor: int | None = None,
    currency: str = "USD",
    estimate_minor: int = 1_000_000,
) -> Referral:
    n = next(_numbers)
    submitted_at = at(submitted)
    row = Referral(
        organization_id=org.id,
        submitted_by_id=user.id,
        idempotency_key=f"scorecard-{n}",
        company_name=f"Company {n}",
        company_name_key=f"company {n}",
        contact_name="Dana Whitfield",
        contact_email=f"dana@company{n}.example",
        contact_role="CFO",
        region="Europe",
        estimated_value_minor=estimate_minor,
        estimated_currency="USD",
        expected_timing="3-6",
        customer_need="One pipeline view.",
        involvement="sourced",
        consent_confirmed_at=submitted_at,
        status=status,
        submitted_at=submitted_at,
        first_response_due_at=submitted_at + FIRST_RESPONSE,
        first_responded_at=(
            submitted_at + timedelta(hours=answered_after_hours)
            if answered_after_hours is not None
            else None
        ),
        last_partner_update_at=submitted_at,
        next_due_at=None if closed else submitted_at + FIRST_RESPONSE,
        closed_at=at(closed) if closed else None,
        deal_value_minor=deal_minor,
        deal_currency=currency if deal_minor is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def commission(
    referral_row: Referral,
    amount_minor: int,
    created: str,
    status: str,
    paid: str | None = None,
    currency: str = "USD",
) -> Commission:
    row = Commission(
        referral_id=referral_row.id,
        organization_id=referral_row.organization_id,
        amount_minor=amount_minor,
        currency=currency,
        deal_value_minor=amount_minor * 10,
        rate_percent="10",
        capped=False,
        partner_type="referral",
        involvement="sourced",
        explanation="10% of the deal value.",
        status=status,
        created_at=at(created),
        approvable_from=at(created) + timedelta(days=60),
        paid_at=at(paid) if paid else None,
    )
    db.session.add(row)
    return row


def invite(org: Organization, email: str, created: str) -> None:
    db.session.add(
        Invite(
            email=email,
            role=Role.PARTNER_USER,
            organization_id=org.id,
            token_hash=f"scorecard-invite-{next(_numbers)}",
            created_at=at(created),
            expires_at=at(created) + timedelta(days=14),
        )
    )


def certificate(
    user: User, issued: str, expires: str | None = None, revoked: str | None = None
) -> None:
    db.session.add(
        Certification(
            user_id=user.id,
            organization_id=user.organization_id,
            path_id="basics",
            certificate_name="Certified Basics Partner",
            code=f"SC{next(_numbers):08d}",
            issued_at=at(issued),
            expires_at=at(expires) if expires else None,
            revoked_at=at(revoked) if revoked else None,
        )
    )


def completion(user: User, completed: str) -> None:
    db.session.add(
        ModuleCompletion(
            user_id=user.id, path_id="basics", module_id="welcome", completed_at=at(completed)
        )
    )


def activity(user: User, kind: str, when: str) -> None:
    db.session.add(
        ActivityEvent(
            user_id=user.id,
            organization_id=user.organization_id,
            kind=kind,
            subject=f"doc-{next(_numbers)}",
            created_at=at(when),
        )
    )


def build() -> Dataset:
    """Write the dataset (committed)."""
    acme = new_org(
        name="Acme Referrals", status=OrgStatus.ACTIVE, activated_at=at("2025-08-20 09:30:00")
    )
    globex = new_org(name="Globex Resellers", partner_type="reseller", status=OrgStatus.ACTIVE)
    admin = new_user(Role.PARTNER_ADMIN, acme, email="alex@acme.example", name="Alex Kim")
    admin.created_at = at("2025-08-01 10:00:00")
    user = new_user(Role.PARTNER_USER, acme, email="pat@acme.example", name="Pat Lee")
    user.created_at = at("2026-02-10 10:00:00")
    globex_admin = new_user(Role.PARTNER_ADMIN, globex, email="olga@globex.example")
    globex_admin.created_at = at("2025-07-01 00:00:00")

    # People: Pat was invited in Q1 (the same person as the account: counted once);
    # a colleague was invited at the first instant of Q2. Globex's invite never counts.
    invite(acme, "PAT@acme.example", "2026-01-20 08:00:00")
    invite(acme, "new.colleague@acme.example", "2026-04-01 00:00:00")
    invite(globex, "someone@globex.example", "2026-04-02 00:00:00")

    # Certificates: Alex's is current at the end of Q3 and Q4 2025, expires a moment before
    # Q1 2026 ends; Pat's first is revoked within Q1; Pat's second is issued at Q2's first
    # instant, for good. Globex's never counts.
    certificate(admin, "2025-09-30 23:59:59.999999", expires="2026-03-31 23:59:59")
    certificate(user, "2026-01-05 09:00:00", revoked="2026-02-01 09:00:00")
    certificate(user, "2026-04-01 00:00:00")
    certificate(globex_admin, "2026-05-01 09:00:00")

    completion(admin, "2025-06-30 23:59:59.999999")  # before the four quarters
    completion(admin, "2025-12-31 23:59:59.999999")
    completion(admin, "2026-01-01 00:00:00")
    completion(user, "2026-05-01 10:00:00")
    completion(user, "2026-05-02 10:00:00")
    completion(globex_admin, "2026-05-01 10:00:00")

    activity(admin, "kit_download", "2026-01-10 10:00:00")
    activity(user, "kit_download", "2026-03-31 23:59:59.999999")
    activity(user, "kit_download", "2026-04-01 00:00:00")
    for day in (2, 3, 4):
        activity(user, "content_view", f"2026-04-0{day} 10:00:00")
    activity(user, "login", "2026-04-05 10:00:00")
    activity(globex_admin, "kit_download", "2026-04-05 10:00:00")
    activity(globex_admin, "content_view", "2026-04-05 10:00:00")

    # Acme's referrals (hours to the first response; the SLA is 48 hours).
    r1 = referral(acme, admin, "2025-08-10 10:00:00", "won", answered_after_hours=5,
                  closed="2025-10-15 10:00:00", deal_minor=2_000_000)  # fmt: skip
    referral(acme, admin, "2025-11-01 10:00:00", "lost", answered_after_hours=50,
             closed="2026-01-10 10:00:00")  # fmt: skip
    r3 = referral(acme, user, "2026-01-15 10:00:00", "won", answered_after_hours=10,
                  closed="2026-03-31 23:59:59.999999", deal_minor=500_000)  # fmt: skip
    referral(acme, user, "2026-03-31 23:59:59.999999", "submitted")
    referral(acme, user, "2026-04-01 00:00:00", "qualified", answered_after_hours=2,
             estimate_minor=3_000_000)  # fmt: skip
    referral(acme, user, "2026-05-02 10:00:00", "rejected", answered_after_hours=20,
             closed="2026-05-03 06:00:00")  # fmt: skip
    referral(acme, user, "2026-06-14 12:00:00", "conflict")  # first response due after NOW
    referral(acme, user, "2026-04-10 10:00:00", "lost", answered_after_hours=30,
             closed="2026-06-01 10:00:00")  # fmt: skip
    referral(acme, admin, "2025-12-01 10:00:00", "contacted", answered_after_hours=10)
    r10 = referral(acme, admin, "2025-07-01 00:00:00", "won", answered_after_hours=1,
                   closed="2026-04-15 10:00:00", deal_minor=800_000, currency="EUR")  # fmt: skip
    referral(acme, admin, "2025-06-30 23:59:59", "lost", answered_after_hours=3,
             closed="2025-07-02 10:00:00")  # fmt: skip

    # Globex's referrals: only the program's average sees them.
    b1 = referral(globex, globex_admin, "2026-04-05 10:00:00", "won", answered_after_hours=1,
                  closed="2026-05-01 10:00:00", deal_minor=9_900_000)  # fmt: skip
    referral(globex, globex_admin, "2026-04-06 10:00:00", "lost", answered_after_hours=100,
             closed="2026-05-02 10:00:00")  # fmt: skip
    referral(globex, globex_admin, "2026-04-07 10:00:00", "lost", answered_after_hours=100,
             closed="2026-05-03 10:00:00")  # fmt: skip
    referral(globex, globex_admin, "2025-10-01 10:00:00", "won", answered_after_hours=1,
             closed="2025-10-20 10:00:00", deal_minor=100_000)  # fmt: skip
    referral(globex, globex_admin, "2026-05-05 10:00:00", "proposal", answered_after_hours=1)

    commission(r1, 200_000, "2025-10-15 10:00:00", "paid", paid="2026-01-20 10:00:00")
    commission(r3, 50_000, "2026-03-31 23:59:59.999999", "approved")
    commission(r10, 80_000, "2026-04-15 10:00:00", "pending", currency="EUR")
    commission(b1, 990_000, "2026-05-01 10:00:00", "paid", paid="2026-05-20 10:00:00")
    db.session.commit()
    return Dataset(acme, globex, admin, user, globex_admin)
