"""Reminders about a new version of the partner agreement: e-mails to each active
organisation's partner admins until one of them accepts it.

Two reminders per organisation and version, each sent at most once: `new_version` as soon as
the organisation has not accepted the newest version, `due_soon` in the last DUE_SOON_DAYS
before it binds (or after, if it still is not accepted). An AgreementReminder row is the
claim: inserted with ON CONFLICT DO NOTHING in the same transaction as the e-mails, so two
runs at once (or a rerun) never send the same reminder twice.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.compliance.agreement import latest_acceptances
from portal.compliance.models import AgreementReminder
from portal.content.model import Program
from portal.content.model_governance import AgreementTerms
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email

__all__ = ["DUE_SOON_DAYS", "send_agreement_reminders"]

DUE_SOON_DAYS = 7
NEW_VERSION, DUE_SOON = "new_version", "due_soon"


def reminder_kinds(terms: AgreementTerms, today: date) -> tuple[str, ...]:
    """The reminders due on `today` for an organisation that has not accepted the newest one."""
    if today >= terms.effective - timedelta(days=DUE_SOON_DAYS):
        return (NEW_VERSION, DUE_SOON)
    return (NEW_VERSION,)


def send_agreement_reminders(program: Program, today: date | None = None) -> int:
    """Queue the reminders due today; how many e-mails were queued. Adds to the session only."""
    terms = program.agreement
    if terms is None:
        return 0
    today = today or utcnow().date()
    orgs = db.session.scalars(
        sa.select(Organization)
        .where(Organization.status == OrgStatus.ACTIVE.value)
        .order_by(Organization.id)
    ).all()
    latest = latest_acceptances(org.id for org in orgs)
    waiting = [
        org for org in orgs if org.id not in latest or latest[org.id].version < terms.version
    ]
    admins = _partner_admins([org.id for org in waiting])
    queued = 0
    for org in waiting:
        for kind in reminder_kinds(terms, today):
            if admins.get(org.id) and _claim(org.id, terms.version, kind):
                queued += _email_admins(org, admins[org.id], program, terms, kind)
    return queued


def _partner_admins(org_ids: list[int]) -> dict[int, list[User]]:
    if not org_ids:
        return {}
    users = db.session.scalars(
        sa.select(User)
        .where(
            User.organization_id.in_(org_ids),
            User.role == Role.PARTNER_ADMIN.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    found: dict[int, list[User]] = {}
    for user in users:
        assert user.organization_id is not None
        found.setdefault(user.organization_id, []).append(user)
    return found


def _claim(org_id: int, version: int, kind: str) -> bool:
    """Record that this reminder goes out; False when it already has (by anyone)."""
    inserted = db.session.scalar(
        insert_for_dialect(AgreementReminder)
        .values(organization_id=org_id, version=version, kind=kind, sent_at=utcnow())
        .on_conflict_do_nothing(index_elements=["organization_id", "version", "kind"])
        .returning(AgreementReminder.id)
    )
    return inserted is not None


def _email_admins(
    org: Organization, admins: list[User], program: Program, terms: AgreementTerms, kind: str
) -> int:
    due = terms.effective.strftime("%d %B %Y")
    subject = (
        f"{org.name}: accept version {terms.version} of the partner agreement by {due}"
        if kind == NEW_VERSION
        else f"Reminder: version {terms.version} of the partner agreement binds on {due}"
    )
    for admin in admins:
        queue_email(
            admin.email,
            "agreement_reminder",
            subject,
            recipient_name=admin.first_name,
            organization_name=org.name,
            program_name=program.name,
            version=terms.version,
            effective=terms.effective,
            due_soon=kind == DUE_SOON,
        )
    return len(admins)
