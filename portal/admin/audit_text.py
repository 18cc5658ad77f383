"""Audit entries in words: a sentence with names and links, and each change by name.

"Sam Rivera moved R-000021 from Qualified to Proposal": the actor's name, the thing acted on
as a link, old and new values as people read them (owner ids become names, stage keys become
labels, tier ids become tier names). Names of people an entry mentions come from one batched
lookup per page (`Names`), never one query per row. The sentence is a list of `Part`s the
template escapes one by one, so no user string is ever joined into markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from portal.accounts.api import ROLE_LABELS
from portal.audit.models import AuditEntry
from portal.content.model import Program
from portal.ids import ID_MAX, parse_id
from portal.mdf.api import mdf_reference
from portal.money import format_money
from portal.referrals.api import reference_of, stage_name

__all__ = [
    "ACTIONS",
    "Change",
    "Names",
    "Part",
    "action_label",
    "changes_of",
    "plain_text",
    "sentence_of",
    "user_ids_mentioned",
]


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: text, and the endpoint it links to (with its arguments)."""

    text: str
    endpoint: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One field of an audit entry: its label, and its value before and after, by name."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Names:
    """What a page of entries needs to name things, each read once for the whole page."""

    users: Mapping[int, str]  # user id -> display name
    commission_referrals: Mapping[int, int]  # commission id -> its referral id
    program: Program


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
    "api.write": (
        "API write",
        "{actor} used the API token {after.token} to {after.operation} ({target})",
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

# Our own sentence templates only (never user input): placeholders in braces.
_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
_GENERIC = "{actor}: {action} on {target}"


def action_label(action: str) -> str:
    """The action as the filter names it; an action without a label reads as its key."""
    known = ACTIONS.get(action)
    return known[0] if known else action


def user_ids_mentioned(entry: AuditEntry) -> set[int]:
    """The people an entry names besides its actor: owners, and the user it acted on."""
    ids: set[int] = set()
    for values in (entry.before or {}, entry.after or {}):
        for key in ("owner_id", "assignee_id"):
            owner = values.get(key)
            if isinstance(owner, int) and not isinstance(owner, bool) and 0 < owner <= ID_MAX:
                ids.add(owner)
    target = parse_id(entry.target_id) if entry.target_type == "user" else None
    if target is not None:
        ids.add(target)
    return ids


def sentence_of(
    entry: AuditEntry, actor_name: str | None, organization_name: str | None, names: Names
) -> list[Part]:
    """The entry as a sentence of parts: names and links, never ids."""
    template = ACTIONS.get(entry.action, ("", _GENERIC))[1]
    parts = _fill(template, entry, actor_name, organization_name, names)
    if parts is None:  # a value the sentence needs is missing (an older entry's shape)
        parts = _fill(_GENERIC, entry, actor_name, organization_name, names) or []
    return parts


def plain_text(parts: list[Part]) -> str:
    """The sentence without its links (the CSV export)."""
    return "".join(part.text for part in parts)


def _fill(
    template: str,
    entry: AuditEntry,
    actor_name: str | None,
    organization_name: str | None,
    names: Names,
) -> list[Part] | None:
    parts: list[Part] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(Part(template[position : match.start()]))
        part = _placeholder(match.group(1), entry, actor_name, organization_name, names)
        if part is None:
            return None
        parts.append(part)
        position = match.end()
    if position < len(template):
        parts.append(Part(template[position:]))
    return parts


def _placeholder(
    name: str,
    entry: AuditEntry,
    actor_name: str | None,
    organization_name: str | None,
    names: Names,
) -> Part | None:
    if name == "actor":
        if entry.actor_id is None:
            return Part("The system")
        return Part(actor_name or f"user {entry.actor_id}")
    if name == "action":
        return Part(action_label(entry.action))
    if name == "org":
        if entry.organization_id is None:
            return None
        label = organization_name or f"organisation {entry.organization_id}"
        return Part(label, "staff.org", {"org_id": entry.organization_id})
    if name == "target":
        return _target(entry, organization_name, names)
    side, _, key = name.partition(".")
    values = entry.before if side == "before" else entry.after
    if not values or key not in values:
        return None
    return Part(_value(key, values[key], values, entry, names) or "nothing")


def _target(entry: AuditEntry, organization_name: str | None, names: Names) -> Part:
    number = parse_id(entry.target_id)
    if entry.target_type == "referral" and number is not None:
        reference = reference_of(number)
        return Part(reference, "inbox.referral", {"ref": reference})
    if entry.target_type == "commission" and number is not None:
        referral_id = names.commission_referrals.get(number)
        if referral_id is not None:
            reference = reference_of(referral_id)
            return Part(reference, "inbox.referral", {"ref": reference})
    if entry.target_type == "mdf_request" and number is not None:
        return Part(mdf_reference(number), "staff_mdf.detail", {"request_id": number})
    if entry.target_type == "organization" and number is not None:
        label = organization_name if number == entry.organization_id else None
        return Part(label or f"organisation {number}", "staff.org", {"org_id": number})
    if entry.target_type == "question" and number is not None:
        return Part(f"question {number}", "staff_questions.detail", {"question_id": number})
    if entry.target_type == "user" and number is not None:
        return Part(names.users.get(number, f"user {number}"))
    if entry.target_type == "comarketing_piece" and number is not None:
        return Part(
            f"co-marketing piece {number}", "comarketing_staff.review", {"piece_id": number}
        )
    if entry.target_type == "lead" and number is not None:
        return Part(f"lead L-{number}", "staff_leads.detail", {"lead_id": number})
    return Part(f"{entry.target_type.replace('_', ' ')} {entry.target_id}")


def changes_of(entry: AuditEntry, names: Names) -> list[Change]:
    """The fields an entry records, each labelled, with its before and after value by name."""
    before = entry.before or {}
    after = entry.after or {}
    keys = list(after) + [key for key in before if key not in after]
    return [
        Change(
            field=FIELD_LABELS.get(key, key.replace("_", " ").capitalize()),
            before=_value(key, before[key], before, entry, names) if key in before else None,
            after=_value(key, after[key], after, entry, names) if key in after else None,
        )
        for key in keys
    ]


def _value(key: str, value: Any, values: Mapping[str, Any], entry: AuditEntry, names: Names) -> str:
    """A recorded value as people read it."""
    if value is None:
        return "Unassigned" if key in ("owner_id", "assignee_id") else "none"
    formatter = _FORMATTERS.get(key)
    if formatter is not None:
        try:
            return formatter(value, values, entry, names)
        except (TypeError, ValueError, KeyError, OverflowError):
            pass  # an entry from before the field meant this: show it as recorded
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _owner(value: Any, _values: Mapping[str, Any], _entry: AuditEntry, names: Names) -> str:
    return names.users.get(int(value), f"user {int(value)}")


def _status(value: Any, _values: Mapping[str, Any], entry: AuditEntry, _names: Names) -> str:
    if entry.target_type == "referral":
        return stage_name(str(value))
    return str(value).replace("_", " ").capitalize()


def _money(value: Any, values: Mapping[str, Any], _entry: AuditEntry, _names: Names) -> str:
    currency = values.get("deal_currency") or values.get("currency")
    if not isinstance(currency, str) or isinstance(value, bool):
        raise TypeError("no currency")
    return format_money(int(value), currency)


def _moment(value: Any, _values: Mapping[str, Any], _entry: AuditEntry, _names: Names) -> str:
    return datetime.fromisoformat(str(value)).strftime("%d %b %Y, %H:%M UTC")


_FORMATTERS: dict[str, Callable[[Any, Mapping[str, Any], AuditEntry, Names], str]] = {
    "owner_id": _owner,
    "assignee_id": _owner,
    "status": _status,
    "tier": lambda value, _v, _e, names: names.program.tier_name(str(value)),
    "partner_type": lambda value, _v, _e, names: names.program.partner_type_name(str(value)),
    "deal_value_minor": _money,
    "commission_minor": _money,
    "amount_minor": _money,
    "actual_cost_minor": _money,
    "contested_referral_id": lambda value, _v, _e, _n: reference_of(int(value)),
    "role": lambda value, _v, _e, _n: ROLE_LABELS.get(str(value), str(value)),
    "closed_at": _moment,
    "activated_at": _moment,
}
