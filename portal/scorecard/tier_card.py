"""The adapter from tier standing (portal/tiers) to the partner home's tier card
(portal/main/tier_card.py): the one place the two meet.

portal/main may not import the standing layer, so this module, in a reporting layer above
both, turns an organisation's standing into the card the home shows and registers itself as
the home's tier card source (portal/scorecard/__init__.py). It uses three things of
portal/tiers: `gather_facts` and `compute_standing` (the standing, computed now, as the
staff pages compute it), `TierStatus` (a grace period the daily evaluation started), and
`progress_text` (criteria in the words the staff pages use).
"""

from __future__ import annotations

from dataclasses import replace

from flask import url_for

from portal.accounts.models import Organization
from portal.content.model import ANY_OF, ContentIndex
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.main.tier_card import CriterionProgress, TierCard
from portal.money import format_money
from portal.tiers.compute import CriterionResult, compute_standing
from portal.tiers.gather import gather_facts
from portal.tiers.models import TierStatus
from portal.tiers.wording import missing_lines, progress_text

__all__ = ["partner_tier_card"]

_COUNTED = {
    "certified_people": ("certified person", "certified people"),
    "accepted_referrals": ("accepted referral", "accepted referrals"),
    "won_deals": ("won deal", "won deals"),
}
_REFERRAL_KINDS = frozenset({"accepted_referrals", "won_deals", "won_value"})
_CHECKLIST_KINDS = frozenset({"agreement_accepted", "onboarding_complete"})


def partner_tier_card(org: Organization) -> TierCard | None:
    """The organisation's tier, each criterion of the next tier with what moves it, and the
    grace period it is in, if any; None when the program has no tiers."""
    content = current_content()
    program = content.program
    if not program.tiers:
        return None
    now = utcnow()
    standing = compute_standing(program, gather_facts([org], program, now)[org.id], now)
    current = program.tier(org.tier)
    following = standing.next_tier
    criteria: tuple[CriterionProgress, ...] = ()
    if following is not None:
        judged = standing.tier_standing(following.id)
        results = judged.results if judged is not None else ()
        criteria = tuple(_progress(result, content) for result in results)
    card = TierCard(
        tier=current.name if current is not None else org.tier,
        next_tier=following.name if following is not None else None,
        criteria=criteria,
    )
    status = db.session.get(TierStatus, org.id)
    if status is None or status.grace_tier is None:
        return card
    kept = program.tier(status.grace_tier)
    return replace(
        card,
        grace_tier=kept.name if kept is not None else status.grace_tier,
        grace_ends_on=status.grace_ends_on,
        grace_missing=tuple(missing_lines(standing.missing_for_current, program.currency)),
    )


def _progress(result: CriterionResult, content: ContentIndex) -> CriterionProgress:
    currency = content.program.currency
    # An any_of group moves with its most advanced option (the one compute_standing shows).
    leading = _leading_option(result)
    action, url = _action(leading, content)
    return CriterionProgress(
        label=result.label,
        value=result.value,
        target=result.target,
        met=result.met,
        progress=progress_text(result, currency),
        missing="" if result.met else _missing(leading, content),
        action=action,
        action_url=url,
    )


def _leading_option(result: CriterionResult) -> CriterionResult:
    if result.kind != ANY_OF or not result.options:
        return result
    met = [option for option in result.options if option.met]
    if met:
        return met[0]
    return max(result.options, key=lambda o: o.value / max(o.target, 1))


def _missing(result: CriterionResult, content: ContentIndex) -> str:
    """What it still takes, in the partner's words: "1 more certified person"."""
    kind, missing = result.kind, result.missing
    if kind in _COUNTED:
        one, many = _COUNTED[kind]
        text = f"{missing} more {one if missing == 1 else many}"
        path = content.paths.get(result.criterion.path or "")
        return f"{text} in {path.title}" if kind == "certified_people" and path else text
    if kind == "won_value":
        return f"{format_money(missing, content.program.currency)} more won value"
    if kind == "staff_attested":
        return "Recorded by the partner team"
    return "Not done yet"


def _action(result: CriterionResult, content: ContentIndex) -> tuple[str, str | None]:
    """The action that moves the criterion, and where to take it."""
    kind = result.kind
    if kind == "certified_people":
        path = content.paths.get(result.criterion.path or "")
        if path is not None:
            return path.title, url_for("learning.path", path_id=path.id)
        return "Learning paths", url_for("learning.paths")
    if kind in _REFERRAL_KINDS:
        return "Submit a referral", url_for("referrals.new")
    if kind in _CHECKLIST_KINDS:
        return "Open the onboarding checklist", url_for("onboarding.checklist")
    if kind == "compliance_current":
        return "Your compliance documents", url_for("compliance_documents.index")
    return "Ask your partner manager", None
