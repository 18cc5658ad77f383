"""Route table for the leads routes (merged into tests/test_access.py ACCESS).

The world's lead is offered to partner_org: the other organisation's partner gets 404 (a
lead is seen only by the partner it is with), staff reach it through /staff/leads.
"""

from __future__ import annotations

from tests.access_helpers import Route, partner_admins, partners, staff

ROUTES: dict[str, Route] = {
    "leads.index": Route("/leads", partners()),
    "leads.detail": Route("/leads/{lead_id}", partners(200, other=404)),
    "leads.accept": Route("/leads/{lead_id}/accept", partners("ok", other=404), "POST"),
    "leads.decline": Route("/leads/{lead_id}/decline", partners("ok", other=404), "POST"),
    "leads.stage": Route("/leads/{lead_id}/stage", partners("ok", other=404), "POST"),
    "leads.industries": Route("/leads/industries", partner_admins("ok"), "POST"),
    "staff_leads.index": Route("/staff/leads", staff()),
    "staff_leads.export": Route("/staff/leads/leads.csv", staff()),
    "staff_leads.new": Route("/staff/leads/new", staff()),
    "staff_leads.upload": Route("/staff/leads/import", staff("ok"), "POST"),
    "staff_leads.detail": Route("/staff/leads/{lead_id}", staff()),
    "staff_leads.route": Route("/staff/leads/{lead_id}/route", staff("ok"), "POST"),
    "staff_leads.assign": Route("/staff/leads/{lead_id}/assign", staff("ok"), "POST"),
}
