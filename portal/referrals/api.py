"""The referrals feature's public door: what other features may import from it.

Every change to a referral, whoever clicks, is a function of portal/referrals reached through
this module; each checks the transition, records it on the timeline, audits it and never
commits (the caller commits once). Where each rule lives:

- triage.py: assign an owner, accept (deciding a conflict), reject.
- pipeline.py: the next pipeline stage, updates the partner reads, internal notes.
- outcomes.py: the deal value, won (with its commission), lost.
- commission_lifecycle.py: approve, pay, dispute and answer a commission
  (the amount itself: commission_calculation.py).
- customer_list.py: add, remove and import customers (the conflict check reads the list);
  customer_upsert.py: a CRM's batch upserted by domain under the same rules (the API).
- sla.py: the SLA clocks a referral carries from its submission; reminders.py: the breaches.
- summary.py: what the partner home shows (open referrals, earnings this year, answers).
- service.py: submit_referral, the one way a referral comes into being (the form and the API);
  sync.py: referrals a page at a time in a stable order, changed since an instant (the API).
- seen.py: who on the partner team first opened a referral (the inbox's "new" mark).
- action_checks.py: the row lock every staff action takes first, and the error they raise.
"""

from __future__ import annotations

from portal.referrals.action_checks import (
    MESSAGE_MAX,
    REASON_MAX,
    UNACCEPTED,
    ActionError,
    lock_referral,
)
from portal.referrals.commission_lifecycle import (
    ANSWER_MAX,
    PAYOUT_REFERENCE_MAX,
    CommissionError,
    approve,
    check_answer,
    check_payout_reference,
    mark_paid,
    resolve_dispute,
)
from portal.referrals.counts import accepted_referral_counts
from portal.referrals.customer_list import (
    CUSTOMER_DOMAIN_INPUT_MAX,
    CUSTOMER_DOMAIN_MAX,
    CUSTOMER_NAME_MAX,
    CustomerRefused,
    ImportResult,
    add_customer,
    import_customers_csv,
    remove_customer,
)
from portal.referrals.customer_upsert import (
    CUSTOMER_BATCH_MAX,
    CustomerUpsert,
    RowProblem,
    UpsertResult,
    upsert_customers,
)
from portal.referrals.earnings import (
    READY,
    StaffPage,
    StaffRow,
    commissions_for_staff,
    earnings_for,
    lock_commission,
    lock_dispute,
    ready_to_approve_count,
    referral_ids_of_commissions,
    staff_row,
)
from portal.referrals.earnings_sections import EarningsSection, register_earnings_section
from portal.referrals.events import event_title, stage_name, timeline
from portal.referrals.forms import (
    COMPANY_NAME_MAX,
    CONTACT_NAME_MAX,
    EMAIL_MAX,
    NEED_MAX,
    PHONE_MAX,
    ROLE_MAX,
    WEBSITE_MAX,
    ReferralForm,
)
from portal.referrals.models import (
    CLOSED_STATUSES,
    CommissionStatus,
    ReferralStatus,
    reference_of,
)
from portal.referrals.normalise import (
    FREE_MAIL_DOMAINS,
    normalise_company_name,
    normalise_domain,
)
from portal.referrals.outcomes import mark_lost, mark_won, record_value
from portal.referrals.pipeline import add_note, advance, next_stage, post_update
from portal.referrals.registration import CompanyConflict, company_conflict, is_customer
from portal.referrals.seen import mark_opened
from portal.referrals.service import (
    INVOLVEMENTS,
    TIMINGS,
    company_names_of,
    org_has_referral,
    parse_reference,
    referral_for,
    referral_ids_of,
    submit_referral,
)
from portal.referrals.sla import (
    DUE_SOON_WITHIN,
    SlaClock,
    add_sla_hours,
    as_utc,
    clock,
    describe,
    due_text,
    first_response_due,
    sla_time_between,
    span_text,
    stale_due,
)
from portal.referrals.summary import (
    AnsweredDispute,
    EarningsThisYear,
    OpenReferrals,
    answered_disputes,
    earnings_this_year,
    open_referrals,
    open_statuses,
)
from portal.referrals.sync import SyncFilters, last_changed, referrals_after
from portal.referrals.triage import accept, assign, reject

__all__ = [
    "ANSWER_MAX",
    "CLOSED_STATUSES",
    "COMPANY_NAME_MAX",
    "CONTACT_NAME_MAX",
    "CUSTOMER_BATCH_MAX",
    "CUSTOMER_DOMAIN_INPUT_MAX",
    "CUSTOMER_DOMAIN_MAX",
    "CUSTOMER_NAME_MAX",
    "DUE_SOON_WITHIN",
    "EMAIL_MAX",
    "FREE_MAIL_DOMAINS",
    "INVOLVEMENTS",
    "MESSAGE_MAX",
    "NEED_MAX",
    "PAYOUT_REFERENCE_MAX",
    "PHONE_MAX",
    "READY",
    "REASON_MAX",
    "ROLE_MAX",
    "TIMINGS",
    "UNACCEPTED",
    "WEBSITE_MAX",
    "ActionError",
    "AnsweredDispute",
    "CommissionError",
    "CommissionStatus",
    "CompanyConflict",
    "CustomerRefused",
    "CustomerUpsert",
    "EarningsSection",
    "EarningsThisYear",
    "ImportResult",
    "OpenReferrals",
    "ReferralForm",
    "ReferralStatus",
    "RowProblem",
    "SlaClock",
    "StaffPage",
    "StaffRow",
    "SyncFilters",
    "UpsertResult",
    "accept",
    "accepted_referral_counts",
    "add_customer",
    "add_note",
    "add_sla_hours",
    "advance",
    "answered_disputes",
    "approve",
    "as_utc",
    "assign",
    "check_answer",
    "check_payout_reference",
    "clock",
    "commissions_for_staff",
    "company_conflict",
    "company_names_of",
    "describe",
    "due_text",
    "earnings_for",
    "earnings_this_year",
    "event_title",
    "first_response_due",
    "import_customers_csv",
    "is_customer",
    "last_changed",
    "lock_commission",
    "lock_dispute",
    "lock_referral",
    "mark_lost",
    "mark_opened",
    "mark_paid",
    "mark_won",
    "next_stage",
    "normalise_company_name",
    "normalise_domain",
    "open_referrals",
    "open_statuses",
    "org_has_referral",
    "parse_reference",
    "post_update",
    "ready_to_approve_count",
    "record_value",
    "reference_of",
    "referral_for",
    "referral_ids_of",
    "referral_ids_of_commissions",
    "referrals_after",
    "register_earnings_section",
    "reject",
    "remove_customer",
    "resolve_dispute",
    "sla_time_between",
    "span_text",
    "staff_row",
    "stage_name",
    "stale_due",
    "submit_referral",
    "timeline",
    "upsert_customers",
]
