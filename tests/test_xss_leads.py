"""Hostile text through leads: every payload in a lead's free text, read back everywhere.

Payloads go in as company, contact, need, decline and lost reasons, and come back through the
staff list, its CSV, the staff lead page, the partner's list and lead page, and the e-mails.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgStatus, Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads import service
from portal.leads.intake import LeadInput
from portal.leads.models import Lead, LeadSource
from portal.notify.models import OutboxMessage
from tests.conftest import new_org, new_user, sign_in
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _clean(html: str, where: str) -> None:
    assert find_injections(html) == [], where
    assert raw_payloads_in(html) == [], where


def test_lead_text_is_escaped_everywhere(app, client) -> None:
    program = current_content().program
    org = new_org(name="Hostile Partners", status=OrgStatus.ACTIVE, region="Europe")
    admin = new_user(Role.PARTNER_ADMIN, org)
    staff = new_user(Role.STAFF)
    now = utcnow()
    leads = []
    for index, payload in enumerate(XSS_PAYLOADS):
        data = LeadInput(company=payload, contact_name=payload, need=payload,
                         contact_email=f"c{index}@xss.example.org", country="DE",
                         region="Europe", contact_phone=payload[:40])  # fmt: skip
        lead = service.create_lead(data, LeadSource.STAFF, staff, now)
        service.offer(lead, org.id, program, now, "By hand.", False, staff)
        leads.append(lead)
    service.accept(leads[0], admin, now)
    service.advance(leads[0], admin, "lost", XSS_PAYLOADS[0], now)
    service.decline(leads[1], admin, XSS_PAYLOADS[1], program, now)
    db.session.commit()

    sign_in(client, staff)
    _clean(client.get("/staff/leads").get_data(as_text=True), "staff list")
    for lead in leads[:3]:
        _clean(client.get(f"/staff/leads/{lead.id}").get_data(as_text=True), f"staff L-{lead.id}")
    csv_text = client.get("/staff/leads/leads.csv").get_data(as_text=True)
    for line in csv_text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.strip('"').startswith(FORMULA_STARTS), cell
    sign_in(client, admin)
    _clean(client.get("/leads").get_data(as_text=True), "partner list")
    _clean(client.get(f"/leads/{leads[0].id}").get_data(as_text=True), "partner lead")
    _clean(client.get(f"/leads/{leads[2].id}").get_data(as_text=True), "partner offer")
    for body in db.session.scalars(sa.select(OutboxMessage.body_html)):
        _clean(body or "", "e-mail")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == len(XSS_PAYLOADS)
