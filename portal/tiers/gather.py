"""Gathering the facts tier criteria are judged on, for many organisations at once.

The reporting layer's aggregate reads: one statement per kind of fact for the whole batch of
organisations (never one per organisation), and only the kinds the program's criteria use,
reading events no older than the longest window that asks for them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, User
from portal.content.model import ANY_OF, AttestedFact, Criterion, Program
from portal.extensions import db
from portal.learning.models import Certification
from portal.onboarding.models import ChecklistProgress
from portal.referrals.events import EventKind
from portal.referrals.models import Referral, ReferralEvent, ReferralStatus
from portal.staff.models import Meeting
from portal.tiers.facts import Attestation, Certificate, OrgFacts, WonDeal
from portal.tiers.models import AttestedFactRecord

__all__ = ["EVALUATED_STATUSES", "Needs", "gather_facts"]

T = TypeVar("T")

# Organisations the daily evaluation judges: invited ones have nobody in yet, suspended ones
# are out of the program until reinstated.
EVALUATED_STATUSES = (OrgStatus.ONBOARDING.value, OrgStatus.ACTIVE.value)


@dataclass(frozen=True)
class Needs:
    """Which facts the program's criteria look at, and how far back."""

    agreement_steps: frozenset[str]
    certificates: bool
    accepted_days: int | None  # the longest accepted_referrals window; None: not asked
    won_days: int | None  # the longest won_deals / won_value window
    facts: frozenset[str]  # attested fact ids asked for
    fact_days: int | None  # the longest validity among them; None: some count for good
    # meeting kind → the facts asked for that a logged meeting of that kind counts as
    meeting_facts: dict[str, frozenset[str]]

    @classmethod
    def of(cls, program: Program) -> Needs:
        criteria = list(_every_criterion(c for t in program.tiers for c in t.criteria))
        facts = frozenset(c.fact for c in criteria if c.kind == "staff_attested" and c.fact)
        validity = [program.attested_fact(f) for f in facts]
        unbounded = any(v is None or v.valid_days is None for v in validity)
        return cls(
            agreement_steps=frozenset(
                c.step for c in criteria if c.kind == "agreement_accepted" and c.step
            ),
            certificates=any(c.kind == "certified_people" for c in criteria),
            accepted_days=_longest(criteria, ("accepted_referrals",)),
            won_days=_longest(criteria, ("won_deals", "won_value")),
            facts=facts,
            fact_days=None
            if unbounded or not validity
            else max(v.valid_days or 0 for v in validity if v is not None),
            meeting_facts=_meeting_facts(v for v in validity if v is not None),
        )


def _meeting_facts(facts: Iterable[AttestedFact]) -> dict[str, frozenset[str]]:
    by_kind: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        for kind in fact.from_meetings:
            by_kind[kind].add(fact.id)
    return {kind: frozenset(ids) for kind, ids in by_kind.items()}


def _every_criterion(criteria: Iterable[Criterion]) -> Iterable[Criterion]:
    for criterion in criteria:
        yield criterion
        if criterion.kind == ANY_OF:
            yield from criterion.options


def _longest(criteria: list[Criterion], kinds: tuple[str, ...]) -> int | None:
    windows = [c.window_days or 0 for c in criteria if c.kind in kinds]
    return max(windows) if windows else None


def gather_facts(
    orgs: Sequence[Organization], program: Program, now: datetime
) -> dict[int, OrgFacts]:
    """The facts of each organisation, by id: at most five statements for any number of them."""
    ids = [org.id for org in orgs]
    needs = Needs.of(program)
    steps = _acknowledged(ids, needs) if needs.agreement_steps else {}
    certificates = _certificates(ids, now) if needs.certificates else {}
    accepted = _accepted(ids, now, needs.accepted_days) if needs.accepted_days else {}
    won = _won(ids, now, needs.won_days) if needs.won_days else {}
    attested = _attested(ids, now.date(), needs) if needs.facts else {}
    return {
        org.id: OrgFacts(
            organization_id=org.id,
            partner_type=org.partner_type,
            tier=org.tier,
            acknowledged_steps=frozenset(steps.get(org.id, ())),
            activated_at=org.activated_at,
            certificates=tuple(certificates.get(org.id, ())),
            accepted_referrals=tuple(accepted.get(org.id, ())),
            won_deals=tuple(won.get(org.id, ())),
            attestations=tuple(attested.get(org.id, ())),
        )
        for org in orgs
    }


def _acknowledged(ids: list[int], needs: Needs) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(ChecklistProgress.organization_id, ChecklistProgress.step_id).where(
            ChecklistProgress.organization_id.in_(ids),
            ChecklistProgress.step_id.in_(sorted(needs.agreement_steps)),
        )
    )
    return _grouped((org_id, step) for org_id, step in rows)


def _certificates(ids: list[int], now: datetime) -> dict[int, list[Certificate]]:
    """Current certificates of the organisation's active people."""
    rows = db.session.execute(
        sa.select(
            Certification.organization_id,
            Certification.user_id,
            Certification.path_id,
            Certification.issued_at,
            Certification.expires_at,
        )
        .join(User, User.id == Certification.user_id)
        .where(
            Certification.organization_id.in_(ids),
            Certification.revoked_at.is_(None),
            sa.or_(Certification.expires_at.is_(None), Certification.expires_at > now),
            User.active.is_(True),
            User.organization_id == Certification.organization_id,
        )
    )
    return _grouped(
        (org_id, Certificate(user_id, path_id, issued, expires))
        for org_id, user_id, path_id, issued, expires in rows
        if org_id is not None  # the query asks for these organisations; mypy cannot know
    )


def _accepted(ids: list[int], now: datetime, days: int) -> dict[int, list[datetime]]:
    """When each referral was accepted, within the longest window."""
    rows = db.session.execute(
        sa.select(Referral.organization_id, ReferralEvent.created_at)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .where(
            Referral.organization_id.in_(ids),
            ReferralEvent.kind == EventKind.ACCEPTED.value,
            ReferralEvent.created_at >= now - timedelta(days=days),
            ReferralEvent.created_at <= now,
        )
    )
    return _grouped((org_id, at) for org_id, at in rows)


def _won(ids: list[int], now: datetime, days: int) -> dict[int, list[WonDeal]]:
    rows = db.session.execute(
        sa.select(
            Referral.organization_id,
            Referral.closed_at,
            sa.func.coalesce(Referral.deal_value_minor, 0),
            sa.func.coalesce(Referral.deal_currency, ""),
        ).where(
            Referral.organization_id.in_(ids),
            Referral.status == ReferralStatus.WON.value,
            Referral.closed_at >= now - timedelta(days=days),
            Referral.closed_at <= now,
        )
    )
    return _grouped(
        (org_id, WonDeal(closed, value, currency))
        for org_id, closed, value, currency in rows
        if closed is not None  # the query filters on closed_at; mypy cannot know
    )


def _attested(ids: list[int], today: date, needs: Needs) -> dict[int, list[Attestation]]:
    """The latest date of each fact asked for (only the latest can count): recorded by the
    partner team, or a logged meeting of a kind the program counts as the fact (`from_meetings`),
    dated the day it was held. One statement for both."""
    since = None if needs.fact_days is None else today - timedelta(days=needs.fact_days)
    recorded = (
        sa.select(
            AttestedFactRecord.organization_id.label("org_id"),
            sa.literal("fact").label("source"),
            AttestedFactRecord.fact.label("name"),
            sa.func.max(AttestedFactRecord.attested_on).label("on"),
        )
        .where(
            AttestedFactRecord.organization_id.in_(ids),
            AttestedFactRecord.fact.in_(sorted(needs.facts)),
            AttestedFactRecord.attested_on <= today,
        )
        .group_by(AttestedFactRecord.organization_id, AttestedFactRecord.fact)
    )
    if since is not None:
        recorded = recorded.where(AttestedFactRecord.attested_on > since)
    stmt: sa.Executable = recorded
    if needs.meeting_facts:
        held = (
            sa.select(
                Meeting.organization_id,
                sa.literal("meeting"),
                Meeting.kind,
                sa.func.max(Meeting.held_on),
            )
            .where(
                Meeting.organization_id.in_(ids),
                Meeting.kind.in_(sorted(needs.meeting_facts)),
                Meeting.held_on <= today,
            )
            .group_by(Meeting.organization_id, Meeting.kind)
        )
        if since is not None:
            held = held.where(Meeting.held_on > since)
        stmt = sa.union_all(recorded, held)
    attestations: list[tuple[int, Attestation]] = []
    for org_id, source, name, on in db.session.execute(stmt):
        on = on if isinstance(on, date) else date.fromisoformat(on)
        facts = needs.meeting_facts.get(name, frozenset()) if source == "meeting" else {name}
        attestations.extend((org_id, Attestation(fact, on)) for fact in sorted(facts))
    return _grouped(attestations)


def _grouped(pairs: Iterable[tuple[int, T]]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for org_id, value in pairs:
        grouped[org_id].append(value)
    return grouped
