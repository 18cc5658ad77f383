"""The leads feature's public door: what other features may import from it.

The directory's "Contact this partner" form (issue 18 part 1) creates a lead for one named
partner: `clean` the input, `create_lead(data, LeadSource.DIRECTORY, None, now,
named_partner_id=org_id)`, then `route_lead`: the channel-conflict check still runs, and the
lead is offered to the named partner (not to the rules' choice) with the same acceptance
window. Where each rule lives: intake.py (fields), routing.py (eligibility, choice, cap),
service.py (the lead's life), jobs.py (lapse, reminders), importing.py (CSV).
"""

from __future__ import annotations

from portal.leads.intake import NEED_MAX, LeadInput, clean
from portal.leads.models import LeadSource, LeadStatus
from portal.leads.service import LeadError, create_lead, route_lead

__all__ = [
    "NEED_MAX",
    "LeadError",
    "LeadInput",
    "LeadSource",
    "LeadStatus",
    "clean",
    "create_lead",
    "route_lead",
]
