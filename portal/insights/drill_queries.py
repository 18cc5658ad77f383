"""The rows behind each figure of /insights: one SELECT per drill-down, filtered like the page.

Each drill-down names the kind of row it lists (organisations, referrals, certificates,
people, quiz attempts, meetings, commissions) and builds its statement from the period's
current window, the filters, an optional key (a learning path, a stage, an owner...) and now.
"""

from __future__ import annotations

from portal.accounts.models import Organization
from portal.audit.models import ActivityEvent
from portal.insights.drill_people import (
    FUNNEL_KEYS,
    attempts,
    certificates,
    cohort,
    cohort_keys,
    events,
    first_in,
    funnel,
    kit_used,
    meetings,
    orgs,
    path_keys,
    people,
)
from portal.insights.drill_referrals import (
    accepted,
    closed,
    commissions,
    commissions_now,
    open_stage_keys,
    owned,
    referrals,
    stage_keys,
)
from portal.insights.drill_types import OWNER_KEY, Drill, DrillArgs, fixed_keys
from portal.insights.enablement import valid_certificate
from portal.insights.flags import expiring_certificate, stale_referral
from portal.insights.groups import in_window
from portal.insights.responsiveness import first_response_overdue
from portal.learning.models import Certification, ModuleCompletion
from portal.referrals.models import CommissionStatus, Referral, ReferralStatus
from portal.staff.models import MEETING_KIND_NAMES

__all__ = ["DRILLS", "OWNER_KEY", "Drill", "DrillArgs"]

DRILLS: dict[str, Drill] = {
    "invited": Drill(
        "Organisations invited",
        "organisations",
        lambda a: orgs(a, in_window(Organization.created_at, a.window)),
    ),
    "activated": Drill(
        "Organisations activated",
        "organisations",
        lambda a: orgs(a, in_window(Organization.activated_at, a.window)),
    ),
    "first-referral": Drill(
        "Organisations with their first referral",
        "organisations",
        lambda a: first_in(a, Referral.submitted_at),
    ),
    "first-win": Drill(
        "Organisations with their first win",
        "organisations",
        lambda a: first_in(a, Referral.closed_at, Referral.status == ReferralStatus.WON),
    ),
    "cohort": Drill("Organisations", "organisations", cohort, cohort_keys, in_period=False),
    "funnel": Drill(
        "Organisations", "organisations", funnel, fixed_keys(FUNNEL_KEYS), in_period=False
    ),
    "kit-used": Drill("Organisations that used a kit", "organisations", kit_used),
    "certs-issued": Drill(
        "Certificates issued",
        "certificates",
        lambda a: certificates(
            a, in_window(Certification.issued_at, a.window), Certification.revoked_at.is_(None)
        ),
        path_keys,
    ),
    "certified-now": Drill(
        "Valid certificates now",
        "certificates",
        lambda a: certificates(a, *valid_certificate(a.now)),
        path_keys,
        in_period=False,
    ),
    "certs-expiring": Drill(
        "Certificates expiring in the next 30 days",
        "certificates",
        lambda a: certificates(a, *expiring_certificate(a.now)),
        path_keys,
        in_period=False,
    ),
    "completions": Drill(
        "People who completed modules",
        "people",
        lambda a: people(
            a,
            ModuleCompletion.user_id,
            ModuleCompletion.completed_at,
            in_window(ModuleCompletion.completed_at, a.window),
        ),
    ),
    "first-attempts": Drill("First quiz attempts", "attempts", attempts, path_keys),
    "active-users": Drill(
        "Active partner people",
        "people",
        lambda a: people(
            a,
            ActivityEvent.user_id,
            ActivityEvent.created_at,
            in_window(ActivityEvent.created_at, a.window),
        ),
    ),
    "events": Drill(
        "Partner people by activity",
        "people",
        events,
        fixed_keys(
            {
                "login": "sign-ins",
                "content_view": "content views",
                "kit_download": "kit downloads",
                "template": "template uses",
            }
        ),
    ),
    "submitted": Drill(
        "Referrals submitted",
        "referrals",
        lambda a: referrals(
            a,
            in_window(Referral.submitted_at, a.window),
            *([Referral.involvement == a.key] if a.key else []),
        ),
        fixed_keys({"sourced": "partner-sourced", "influenced": "partner-influenced"}),
    ),
    "accepted": Drill("Referrals accepted", "referrals", accepted),
    "won": Drill(
        "Referrals won",
        "referrals",
        lambda a: referrals(
            a,
            in_window(Referral.closed_at, a.window),
            Referral.status == ReferralStatus.WON,
            newest=Referral.closed_at,
        ),
    ),
    "closed": Drill("Referrals closed", "referrals", closed, stage_keys),
    "open": Drill(
        "Open referrals",
        "referrals",
        lambda a: referrals(a, Referral.status == a.key),
        open_stage_keys,
        in_period=False,
    ),
    "sla-due": Drill(
        "Referrals with a first response due",
        "referrals",
        lambda a: referrals(
            a,
            in_window(Referral.first_response_due_at, a.window),
            *owned(a),
            newest=Referral.first_response_due_at,
        ),
        OWNER_KEY,
    ),
    "answered": Drill(
        "Referrals answered for the first time",
        "referrals",
        lambda a: referrals(
            a,
            in_window(Referral.first_responded_at, a.window),
            *owned(a),
            newest=Referral.first_responded_at,
        ),
        OWNER_KEY,
    ),
    "overdue-now": Drill(
        "Referrals waiting past their first-response time",
        "referrals",
        lambda a: referrals(a, *first_response_overdue(a.now), *owned(a)),
        OWNER_KEY,
        in_period=False,
    ),
    "stale": Drill(
        "Stale referrals",
        "referrals",
        lambda a: referrals(a, *stale_referral(a.now), *owned(a)),
        OWNER_KEY,
        in_period=False,
    ),
    "meetings": Drill("Meetings", "meetings", meetings, fixed_keys(dict(MEETING_KIND_NAMES))),
    "commissions": Drill(
        "Commissions",
        "commissions",
        commissions,
        fixed_keys(
            {"earned": "earned", "approved": "approved", "paid": "paid", "disputed": "disputed"}
        ),
    ),
    "commissions-now": Drill(
        "Commissions now",
        "commissions",
        commissions_now,
        fixed_keys({str(s): str(s) for s in CommissionStatus}),
        in_period=False,
    ),
}
