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
from portal.admin.audit_actions import ACTIONS, FIELD_LABELS
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
    "released_minor": _money,
    "contested_referral_id": lambda value, _v, _e, _n: reference_of(int(value)),
    "role": lambda value, _v, _e, _n: ROLE_LABELS.get(str(value), str(value)),
    "closed_at": _moment,
    "activated_at": _moment,
}
