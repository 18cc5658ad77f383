"""`flask leads lapse` and `flask leads remind`: the cron jobs, each safe to run twice.

Lapse: every offer past its acceptance window returns (the partner that let it lapse is
recorded on the offer) and the lead goes to the next eligible partner. Each lead is locked,
rechecked and committed on its own, so two jobs at once never lapse one offer twice.
Remind: an accepted lead with no stage change for `leads.stale_after_days` gets one e-mail to
the partner's admins per stale spell (`reminded_due_at` records which due time was reminded,
claimed with one conditional UPDATE, like referral reminders).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.db_types import updated, utcnow
from portal.extensions import db
from portal.leads.models import OPEN_STAGES, Lead, LeadStatus
from portal.leads.service import admin_emails, lapse
from portal.notify.outbox import queue_email
from portal.referrals.api import as_utc


def lapse_overdue(now: datetime | None = None) -> int:
    """Return every overdue offer and route its lead on; how many lapsed."""
    now = as_utc(now, "now") if now is not None else utcnow()
    program = current_content().program
    ids = list(
        db.session.scalars(
            sa.select(Lead.id)
            .where(Lead.status == LeadStatus.OFFERED, Lead.accept_due_at <= now)
            .order_by(Lead.accept_due_at, Lead.id)
        )
    )
    lapsed = 0
    for lead_id in ids:
        lead = db.session.scalar(sa.select(Lead).where(Lead.id == lead_id).with_for_update())
        if lead is not None and lapse(lead, program, now):
            lapsed += 1
        db.session.commit()
    return lapsed


def send_reminders(now: datetime | None = None) -> int:
    """One reminder per stale accepted lead to its partner's admins; how many were queued."""
    now = as_utc(now, "now") if now is not None else utcnow()
    days = current_content().program.leads.stale_after_days
    stale_before = now - timedelta(days=days)
    leads = list(
        db.session.scalars(
            sa.select(Lead).where(
                Lead.status.in_(OPEN_STAGES),
                Lead.status_changed_at <= stale_before,
                sa.or_(Lead.reminded_due_at.is_(None),
                       Lead.reminded_due_at < Lead.status_changed_at),
            )
        )
    )  # fmt: skip
    queued = 0
    for lead in leads:
        due = as_utc(lead.status_changed_at) + timedelta(days=days)
        claimed = updated(
            db.session.execute(
                sa.update(Lead)
                .where(Lead.id == lead.id, Lead.status_changed_at == lead.status_changed_at,
                       sa.or_(Lead.reminded_due_at.is_(None),
                              Lead.reminded_due_at < Lead.status_changed_at))
                .values(reminded_due_at=due)
                .execution_options(synchronize_session=False)
            )
        ).rowcount  # fmt: skip
        if claimed and lead.partner_id is not None:
            for address in admin_emails(lead.partner_id):
                queue_email(address, "lead_reminder", f"Any news on {lead.company}?", lead=lead,
                            days=days)  # fmt: skip
                queued += 1
        db.session.commit()
    return queued
