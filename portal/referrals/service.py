"""Submitting referrals and looking them up for their organisation.

`submit_referral` is the one way a referral comes into being: idempotent per form key, the
conflict check decided by the database (portal.referrals.registration), the timeline's first
event, the partner team told through the outbox, all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from portal.accounts.access import scoped_to_org
from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.ids import ID_MAX
from portal.notify.outbox import queue_email
from portal.patterns import REFERENCE
from portal.referrals import registration
from portal.referrals.events import EventKind, add_event
from portal.referrals.models import ConflictReason, Referral, ReferralStatus, reference_of
from portal.referrals.normalise import normalise_company_name, normalise_domain
from portal.referrals.sla import first_response_due
from portal.signals import referral_submitted

TIMINGS: dict[str, str] = {
    "0-3": "Within 3 months",
    "3-6": "In 3 to 6 months",
    "6-12": "In 6 to 12 months",
    "12+": "More than 12 months away",
    "unknown": "Not known yet",
}
INVOLVEMENTS: dict[str, str] = {
    "sourced": "Sourced: we brought this lead",
    "influenced": "Influenced: we help on a deal you already know",
}


@dataclass(frozen=True)
class ReferralInput:
    """What a partner submits, already validated by the form (amounts in minor units)."""

    company_name: str
    company_website: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_role: str
    region: str
    estimated_value_minor: int
    estimated_currency: str
    expected_timing: str
    customer_need: str
    involvement: str
    idempotency_key: str


@dataclass(frozen=True)
class Submission:
    referral: Referral
    created: bool  # False when the same form was submitted before (a retry or double click)


def submit_referral(
    user: User, data: ReferralInput, program: Program, now: datetime | None = None
) -> Submission:
    """Create the referral (or return the one this form already created); no commit.

    The caller commits. A conflict is decided here: the company is on the customer list, or
    the registration claim finds an earlier open registration inside its protection window.
    """
    if user.organization_id is None:
        raise ValueError("only members of a partner organisation submit referrals")
    now = now or utcnow()
    domain = normalise_domain(data.company_website, data.contact_email)
    name_key = normalise_company_name(data.company_name)
    key = registration.key_text(data.company_website, data.contact_email, data.company_name)

    referral_id = _insert_once(user, data, domain, name_key, program, now)
    if referral_id is None:
        existing = db.session.scalar(
            sa.select(Referral).where(
                Referral.organization_id == user.organization_id,
                Referral.idempotency_key == data.idempotency_key,
            )
        )
        if existing is None:  # pragma: no cover - the unique key guarantees a row
            raise RuntimeError("idempotent insert found no referral")
        return Submission(existing, created=False)

    referral = db.session.get(Referral, referral_id)
    assert referral is not None
    if registration.is_customer(domain):
        referral.status = ReferralStatus.CONFLICT
        referral.conflict_reason = ConflictReason.CUSTOMER
    elif key is not None:
        holder = registration.claim(key, referral, program, now)
        if holder != referral.id:
            referral.status = ReferralStatus.CONFLICT
            referral.conflict_reason = ConflictReason.REGISTERED
            referral.conflict_with_id = holder

    under_review = referral.status == ReferralStatus.CONFLICT
    add_event(
        referral,
        EventKind.SUBMITTED,
        user,
        message=(
            "Another registration or an existing customer relationship may cover this "
            "company, so the partner team will review it under the rules of engagement."
            if under_review
            else ""
        ),
        to_status=referral.status,
        program=program,
        now=now,
    )
    queue_email(
        current_app.config["PARTNER_TEAM_EMAIL"],
        "referral_new",
        f"New referral {referral.reference}: {referral.company_name}",
        referral=referral,
        organization_name=user.organization.name if user.organization else "",
        submitter_name=user.display_name,
        under_review=under_review,
    )
    referral_submitted.send(None, organization_id=user.organization_id, referral=referral)
    return Submission(referral, created=True)


def _insert_once(
    user: User,
    data: ReferralInput,
    domain: str | None,
    name_key: str,
    program: Program,
    now: datetime,
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING on the idempotency key; the new id, or None."""
    due = first_response_due(now, program)
    return db.session.scalar(
        insert_for_dialect(Referral)
        .values(
            organization_id=user.organization_id,
            submitted_by_id=user.id,
            idempotency_key=data.idempotency_key,
            company_name=data.company_name,
            company_website=data.company_website,
            company_domain=domain,
            company_name_key=name_key[:200],
            contact_name=data.contact_name,
            contact_email=data.contact_email,
            contact_phone=data.contact_phone,
            contact_role=data.contact_role,
            region=data.region,
            estimated_value_minor=data.estimated_value_minor,
            estimated_currency=data.estimated_currency,
            expected_timing=data.expected_timing,
            customer_need=data.customer_need,
            involvement=data.involvement,
            consent_confirmed_at=now,
            status=ReferralStatus.SUBMITTED,
            close_reason="",
            submitted_at=now,
            first_response_due_at=due,
            last_partner_update_at=now,
            next_due_at=due,
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "idempotency_key"])
        .returning(Referral.id)
    )


def company_looks_registered(
    website: str, email: str, name: str, now: datetime | None = None
) -> bool:
    """For the form's live hint: an open registration or a customer already covers the company.

    Says nothing about who registered it.
    """
    domain = normalise_domain(website, email)
    if registration.is_customer(domain):
        return True
    key = registration.key_text(website, email, name)
    return key is not None and registration.is_registered(key, now)


def parse_reference(text: str) -> int | None:
    """The referral id in "R-000123" (or "r123", "000123"), None when it is not one."""
    match = REFERENCE.fullmatch(text.strip())
    if not match:
        return None
    referral_id = int(match.group(1))  # at most 12 digits
    return referral_id if 0 < referral_id <= ID_MAX else None


def referral_for(user: User, reference: str) -> Referral | None:
    """The referral behind a reference, if the user may see it (own organisation or staff)."""
    referral_id = parse_reference(reference)
    if referral_id is None:
        return None
    stmt = sa.select(Referral).where(Referral.id == referral_id)
    return db.session.scalar(scoped_to_org(stmt, Referral.organization_id, user))


def org_referrals(organization_id: int, limit: int = 50, before_id: int | None = None):
    """The organisation's referrals, newest first, a page of `limit` (keyset on id)."""
    stmt = (
        sa.select(Referral)
        .where(Referral.organization_id == organization_id)
        .order_by(Referral.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        stmt = stmt.where(Referral.id < before_id)
    return list(db.session.scalars(stmt))


def org_has_referral(organization_id: int) -> bool:
    """True once anyone in the organisation has submitted a referral (onboarding step)."""
    return (
        db.session.scalar(
            sa.select(Referral.id).where(Referral.organization_id == organization_id).limit(1)
        )
        is not None
    )


def company_names_of(organization_id: int, referral_ids: set[int]) -> dict[int, str]:
    """Of these referral ids, the organisation's own, each with its company name (one query)."""
    if not referral_ids:
        return {}
    rows = db.session.execute(
        sa.select(Referral.id, Referral.company_name).where(
            Referral.organization_id == organization_id, Referral.id.in_(referral_ids)
        )
    )
    return {referral_id: name for referral_id, name in rows}  # noqa: C416 (Row pairs)


def referral_ids_of(organization_id: int, status: str | None = None) -> list[int]:
    """The organisation's referral ids, oldest first, optionally of one status."""
    stmt = sa.select(Referral.id).where(Referral.organization_id == organization_id)
    if status is not None:
        stmt = stmt.where(Referral.status == status)
    return list(db.session.scalars(stmt.order_by(Referral.id)))


__all__ = [
    "INVOLVEMENTS",
    "TIMINGS",
    "ReferralInput",
    "Submission",
    "company_looks_registered",
    "company_names_of",
    "org_has_referral",
    "org_referrals",
    "parse_reference",
    "reference_of",
    "referral_for",
    "referral_ids_of",
    "submit_referral",
]
