"""What the audit log calls each action and each field: the catalogue audit_text.py words
entries with. One entry per action every feature records (a test checks none is missing)."""

from __future__ import annotations

__all__ = ["ACTIONS", "FIELD_LABELS"]

# action -> (label for the filter, sentence). A sentence names its parts in braces:
# {actor}, {target}, {org} and values of the entry ({after.status}, {before.tier}, ...).
ACTIONS: dict[str, tuple[str, str]] = {
    "referral.accept": ("Referral accepted", "{actor} accepted {target}"),
    "referral.reject": ("Referral rejected", "{actor} rejected {target}"),
    "referral.advance": (
        "Referral moved to a stage",
        "{actor} moved {target} from {before.status} to {after.status}",
    ),
    "referral.assign": (
        "Referral owner changed",
        "{actor} made {after.owner_id} owner of {target}",
    ),
    "referral.record_value": (
        "Deal value recorded",
        "{actor} recorded the deal value of {target}: {after.deal_value_minor}",
    ),
    "referral.mark_won": ("Referral won", "{actor} marked {target} won"),
    "referral.mark_lost": ("Referral lost", "{actor} marked {target} lost"),
    "referral.post_update": ("Update to a partner", "{actor} posted an update on {target}"),
    "referral.add_note": ("Internal note", "{actor} added an internal note to {target}"),
    "referrals.exported": ("Referral inbox exported", "{actor} exported the referral inbox"),
    "commission.approve": ("Commission approved", "{actor} approved the commission on {target}"),
    "commission.pay": ("Commission paid", "{actor} marked the commission on {target} paid"),
    "commission.dispute": ("Commission disputed", "{actor} disputed the commission on {target}"),
    "commission.resolve_dispute": (
        "Dispute answered",
        "{actor} answered the dispute on the commission on {target}",
    ),
    "mdf.requested": (
        "MDF requested",
        "{actor} requested {after.amount_minor} of market development funds ({target})",
    ),
    "mdf.approved": ("MDF approved", "{actor} approved {after.amount_minor} on {target}"),
    "mdf.rejected": ("MDF rejected", "{actor} rejected {target}"),
    "mdf.claimed": ("MDF claimed", "{actor} claimed {target} with proof of performance"),
    "mdf.claim_approved": (
        "MDF claim approved",
        "{actor} approved the claim on {target}: {after.amount_minor} payable",
    ),
    "mdf.claim_rejected": ("MDF claim rejected", "{actor} rejected the claim on {target}"),
    "mdf.paid": ("MDF paid", "{actor} marked {target} paid"),
    "mdf.expired": (
        "MDF approval expired",
        "{actor} expired {target}: {after.amount_minor} went back to the funds",
    ),
    "mdf.exported": ("MDF queue exported", "{actor} exported the MDF queue"),
    "customer.added": ("Customer added", "{actor} added {after.domain} to the customer list"),
    "customer.removed": (
        "Customer removed",
        "{actor} removed {before.domain} from the customer list",
    ),
    "customers.imported": ("Customers imported", "{actor} imported customers from {after.file}"),
    "customers.upserted": (
        "Customers upserted",
        "{actor} upserted {after.rows} customers through the API "
        "({after.added} added, {after.renamed} renamed)",
    ),
    "lead.created": ("Lead entered", "{actor} entered {target}"),
    "leads.imported": ("Leads imported", "{actor} imported leads from a CSV file"),
    "leads.exported": ("Leads exported", "{actor} exported the lead list"),
    "lead.flagged": ("Lead flagged for conflict", "{actor} flagged {target} as a channel conflict"),
    "lead.unrouted": ("Lead not routed", "{actor} found no eligible partner for {target}"),
    "lead.routed": ("Lead routed", "{actor} routed {target} to {org} by the rules"),
    "lead.assigned": ("Lead assigned by hand", "{actor} offered {target} to {org}"),
    "lead.accepted": ("Lead accepted", "{actor} accepted {target}"),
    "lead.declined": ("Lead declined", "{actor} declined {target}"),
    "lead.lapsed": ("Lead offer lapsed", "{actor} returned {target}: {org} did not answer in time"),
    "lead.stage_changed": (
        "Lead stage changed",
        "{actor} moved {target} from {before.status} to {after.status}",
    ),
    "lead.industries_changed": (
        "Lead industries changed",
        "{actor} changed the lead industries of {org}",
    ),
    "organization.created": ("Organisation registered", "{actor} registered {org}"),
    "organization.onboarding_started": ("Onboarding started", "{actor} started onboarding {org}"),
    "organization.activated": ("Organisation activated", "{actor} activated {org}"),
    "organization.suspended": ("Organisation suspended", "{actor} suspended {org}"),
    "organization.reinstated": ("Organisation reinstated", "{actor} reinstated {org}"),
    "organization.tier_changed": (
        "Tier changed",
        "{actor} moved {org} from {before.tier} to {after.tier}",
    ),
    "compliance.agreement_accepted": (
        "Partner agreement accepted",
        "{actor} accepted version {after.version} of the partner agreement for {org}, "
        "signing as {after.signer_name}",
    ),
    "compliance.document_uploaded": (
        "Compliance document uploaded",
        "{actor} uploaded version {after.version} of the {after.document} for {org} "
        "({after.file_name})",
    ),
    "compliance.document_approved": (
        "Compliance document approved",
        "{actor} approved version {after.version} of the {after.document} of {org}, "
        "expiring {after.expires_on}",
    ),
    "compliance.document_rejected": (
        "Compliance document rejected",
        "{actor} rejected version {after.version} of the {after.document} of {org}: {after.reason}",
    ),
    "onboarding.step_acknowledged": (
        "Onboarding step acknowledged",
        "{actor} acknowledged the onboarding step {after.step_id} for {org}",
    ),
    "onboarding.step_marked": (
        "Onboarding step verified",
        "{actor} verified the onboarding step {after.step_id} for {org}",
    ),
    "onboarding.step_unmarked": (
        "Onboarding step unmarked",
        "{actor} unmarked the onboarding step {after.step_id} for {org}",
    ),
    "invite.created": ("Invitation sent", "{actor} invited {after.email} as {after.role}"),
    "invite.accepted": ("Invitation accepted", "{actor} accepted an invitation as {after.role}"),
    "user.admin_created": ("Admin account created", "{actor} created the account {after.email}"),
    "user.deactivated": ("Account deactivated", "{actor} deactivated {target}"),
    "user.reactivated": ("Account reactivated", "{actor} reactivated {target}"),
    "user.password_reset": ("Password reset", "{actor} reset the password of {target}"),
    "certification.revoke": ("Certification revoked", "{actor} revoked a certification"),
    "meeting.logged": ("Meeting logged", "{actor} logged a meeting with {org}"),
    "insights.exported": ("Insights exported", "{actor} exported an insights table"),
    "audit.exported": ("Audit log exported", "{actor} exported the audit log"),
    "api_token.created": ("API token created", "{actor} created the API token {after.name}"),
    "api_token.revoked": ("API token revoked", "{actor} revoked the API token {before.name}"),
    "sso.configured": (
        "Single sign-on set up",
        "{actor} set up single sign-on for {org} with {after.issuer}",
    ),
    "sso.changed": (
        "Single sign-on changed",
        "{actor} changed the single sign-on settings of {org}",
    ),
    "sso.signed_in": ("Signed in by single sign-on", "{actor} signed in through {after.issuer}"),
    "sso.refused": (
        "Single sign-on refused",
        "A single sign-on of {after.email} was refused ({after.reason})",
    ),
    "user.provisioned": (
        "Account created on first sign-in",
        "{actor} got an account as {after.role} on their first single sign-on",
    ),
    "api.write": (
        "API write",
        "{actor} used the API token {after.token} to {after.operation} ({target})",
    ),
    "webhook.endpoint_created": (
        "Webhook endpoint added",
        "{actor} added the webhook endpoint {after.url}",
    ),
    "webhook.secret_rotated": (
        "Webhook secret rotated",
        "{actor} rotated the signing secret of the webhook endpoint {after.url}",
    ),
    "webhook.endpoint_deleted": (
        "Webhook endpoint deleted",
        "{actor} deleted the webhook endpoint {before.url}",
    ),
    "webhook.endpoint_enabled": (
        "Webhook endpoint enabled",
        "{actor} enabled the webhook endpoint {after.url} again",
    ),
    "webhook.endpoint_disabled": (
        "Webhook endpoint disabled",
        "{actor} disabled the webhook endpoint {after.url}: {after.reason}",
    ),
    "webhook.delivery_replayed": (
        "Webhook delivery replayed",
        "{actor} replayed the webhook {after.message_id} ({target})",
    ),
    "tier.upgraded": ("Tier upgraded", "{actor} upgraded {org} from {before.tier} to {after.tier}"),
    "tier.upgrade_proposed": ("Tier upgrade proposed", "{actor} proposed an upgrade of {org}"),
    "tier.downgrade_proposed": ("Tier downgrade proposed", "{actor} proposed a downgrade of {org}"),
    "tier.grace_started": ("Grace period started", "{actor} started a grace period for {org}"),
    "tier.grace_ended": ("Grace period ended", "{actor} ended the grace period of {org}"),
    "tier.review_approved": ("Tier review approved", "{actor} approved the tier review of {org}"),
    "tier.review_declined": ("Tier review declined", "{actor} declined the tier review of {org}"),
    "tier.review_withdrawn": ("Tier review withdrawn", "{actor} withdrew the tier review of {org}"),
    "tier.changed_by_hand": (
        "Tier set by hand",
        "{actor} set the tier of {org} from {before.tier} to {after.tier}",
    ),
    "tier.fact_recorded": ("Tier fact recorded", "{actor} recorded a tier fact for {org}"),
    "question.answered": ("Question answered", "{actor} answered {target} from {org}"),
    "question.asked_for_more": (
        "Question: partner asked for more",
        "{actor} asked {org} for more on {target}",
    ),
    "question.note_added": ("Question note", "{actor} added an internal note to {target}"),
    "question.assigned": (
        "Question assigned",
        "{actor} gave {target} to {after.assignee_id}",
    ),
    "question.faq_marked": (
        "Answer marked for the FAQ",
        "{actor} marked an answer to {target} worth an FAQ",
    ),
    "question.faq_unmarked": (
        "Answer unmarked for the FAQ",
        "{actor} took the FAQ mark off an answer to {target}",
    ),
    "comarketing.submitted": (
        "Co-marketing piece submitted",
        "{actor} submitted {target} for approval",
    ),
    "comarketing.new_version": (
        "Co-marketing version sent",
        "{actor} sent version {after.version} of {target}",
    ),
    "comarketing.approved": (
        "Co-marketing piece approved",
        "{actor} approved {target} as {after.approval_reference}",
    ),
    "comarketing.changes_requested": (
        "Co-marketing changes requested",
        "{actor} asked for changes to version {after.version} of {target}",
    ),
    "comarketing.rejected": ("Co-marketing piece rejected", "{actor} rejected {target}"),
    "directory.change_proposed": (
        "Directory profile sent for approval",
        "{actor} sent the directory profile of {org} for approval",
    ),
    "directory.change_approved": (
        "Directory profile approved",
        "{actor} approved and published the directory profile of {org}",
    ),
    "directory.change_rejected": (
        "Directory profile sent back",
        "{actor} sent the directory profile of {org} back: {after.reason}",
    ),
    "directory.withdrawn": (
        "Left the partner directory",
        "{actor} took {org} out of the public partner directory",
    ),
}

FIELD_LABELS = {
    "owner_id": "Owner",
    "assignee_id": "Assigned to",
    "first_response": "First response",
    "status": "Status",
    "tier": "Tier",
    "partner_type": "Partner type",
    "deal_value_minor": "Deal value",
    "deal_currency": "Deal currency",
    "commission_minor": "Commission",
    "amount_minor": "Amount",
    "actual_cost_minor": "Actual cost",
    "released_minor": "Funds given back",
    "released_to_period": "Given back to the period",
    "partly": "Approved partly",
    "close_reason": "Reason",
    "closed_at": "Closed",
    "activated_at": "Activated",
    "contested_referral_id": "Contested referral",
    "payout_reference": "Payout reference",
    "step_id": "Onboarding step",
    "email": "E-mail",
    "role": "Role",
    "active": "Active",
    "website": "Website",
    "name": "Name",
    "approval_reference": "Approval reference",
    "listed": "Listed in the directory",
    "reason": "Reason",
}
