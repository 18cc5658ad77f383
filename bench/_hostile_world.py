"""The small world bench/hostile_input.py sends its requests into.

The same people and records as the route table's world (tests/test_access.py), so its example
URLs (`/inbox/{referral_ref}`, `/certificates/{cert_id}`, ...) format with real ids here: two
partner organisations, their users, staff and an admin, an open referral, a won one with a
commission and an open dispute, a customer, a certificate, a quiz attempt, an invite and a
password-reset token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from portal.accounts.api import create_invite
from portal.accounts.credentials import new_token
from portal.accounts.models import Organization, PasswordReset, Role, User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.certificates import new_verification_code
from portal.learning.models import Certification, QuizAttempt
from portal.referrals import registration
from portal.referrals.commission_lifecycle import create_commission, open_dispute
from portal.referrals.models import Customer
from portal.referrals.service import ReferralInput, submit_referral

PASSWORD = "bench hostile input password"


@dataclass
class HostileWorld:
    """Attribute names match tests/test_access.py's World (its URLs format with these)."""

    users: dict[str, User]
    org_id: int
    third_org_id: int
    bystander_id: int
    cert_id: int
    cert_code: str
    attempt_id: int
    invite_token: str
    reset_token: str
    referral_ref: str
    won_ref: str
    commission_id: int
    customer_id: int
    dispute_id: int


def _user(role: str, org: Organization | None, email: str, name: str) -> User:
    user = User(email=email, name=name, role=role, organization=org)
    # One cheap hash for every bench user: the bench times requests, not password hashing.
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.add(user)
    return user


def _referral_input(n: int, **fields: Any) -> ReferralInput:
    values: dict[str, Any] = {
        "company_name": f"Northwind Traders {n}",
        "company_website": f"https://www.northwind-{n}.example.com",
        "contact_name": "Dana Whitfield",
        "contact_email": f"dana@northwind-{n}.example.com",
        "contact_phone": "",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value_minor": 4_800_000,
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "Forecasts live in spreadsheets; they want one pipeline view.",
        "involvement": "sourced",
        "idempotency_key": f"bench-key-{n}",
    }
    values.update(fields)
    return ReferralInput(**values)


def seed_world() -> HostileWorld:
    """Create the world in the app's (empty) database and return its ids and tokens."""
    program = current_content().program
    acme, globex, initech = (
        Organization(name=name, partner_type=kind, tier="registered", status="onboarding")
        for name, kind in (
            ("Acme Referrals", "referral"),
            ("Globex Resellers", "reseller"),
            ("Initech", "alliance"),
        )
    )
    db.session.add_all([acme, globex, initech])
    users = {
        "partner_user": _user(Role.PARTNER_USER, acme, "pat@acme.example", "Pat Lee"),
        "partner_admin": _user(Role.PARTNER_ADMIN, acme, "alex@acme.example", "Alex Kim"),
        "other_partner": _user(Role.PARTNER_ADMIN, globex, "olga@globex.example", "Olga Ruiz"),
        "staff": _user(Role.STAFF, None, "sam@vendor.example", "Sam Staff"),
        "admin": _user(Role.ADMIN, None, "ada@vendor.example", "Ada Admin"),
    }
    bystander = _user(Role.PARTNER_USER, initech, "by@initech.example", "Bea Stander")
    db.session.commit()

    partner, staff = users["partner_user"], users["staff"]
    issued = utcnow() - timedelta(days=1)
    cert = Certification(
        user_id=partner.id,
        organization_id=acme.id,
        path_id="basics",
        certificate_name="Certified Basics Partner",
        code=new_verification_code(),
        issued_at=issued,
        expires_at=issued + timedelta(days=365),
    )
    attempt = QuizAttempt(
        user_id=partner.id,
        organization_id=acme.id,
        path_id="basics",
        module_id="qualifying",
        content_version="v",
        quiz_version="v",
        questions=[],
    )
    _invite, invite_token = create_invite("new@acme.example", Role.PARTNER_USER, acme, None)
    reset_token, reset_hash = new_token()
    reset = PasswordReset(
        user_id=bystander.id, token_hash=reset_hash, expires_at=utcnow() + timedelta(hours=1)
    )
    db.session.add_all([cert, attempt, reset])
    db.session.commit()

    referral = submit_referral(partner, _referral_input(1), program).referral
    won = submit_referral(partner, _referral_input(2), program).referral
    won.status = "won"
    won.deal_value_minor = 10_000_000
    won.deal_currency = "USD"
    won.closed_at = utcnow()
    commission = create_commission(won, staff, program)
    if commission is None:
        raise RuntimeError("the content's commission rules give no commission on a won deal")
    db.session.flush()
    dispute = open_dispute(commission, partner, "The deal value was higher than recorded.")
    registration.add_customer_domain("umbrella.example.com", "Umbrella", staff.id)
    db.session.commit()
    return HostileWorld(
        users=users,
        org_id=acme.id,
        third_org_id=initech.id,
        bystander_id=bystander.id,
        cert_id=cert.id,
        cert_code=cert.code,
        attempt_id=attempt.id,
        invite_token=invite_token,
        reset_token=reset_token,
        referral_ref=referral.reference,
        won_ref=won.reference,
        commission_id=commission.id,
        customer_id=db.session.scalar(sa.select(Customer.id)) or 0,
        dispute_id=dispute.id,
    )
