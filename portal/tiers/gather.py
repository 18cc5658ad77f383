"""Gathering the facts tier criteria are judged on, for many organisations at once.

The reporting layer's aggregate reads: one statement per kind of fact for the whole batch of
organisations (never one per organisation), and only the kinds the program's criteria use.
Referral outcomes are counted by the database, per organisation and per trailing window the
criteria ask for, from index ranges (portal/tiers/indexes.py): what a partner's tier card
costs does not grow with how many referrals it has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, User
from portal.compliance.api import orgs_documents_current
from portal.compliance.models import AgreementAcceptance
from portal.content.model import ANY_OF, AttestedFact, Criterion, Program
from portal.extensions import db
from portal.learning.models import Certification
from portal.referrals.models import Referral, ReferralStatus
from portal.staff.models import Meeting
from portal.tiers.facts import Attestation, Certificate, OrgFacts, WindowTotals
from portal.tiers.models import AttestedFactRecord

__all__ = ["EVALUATED_STATUSES", "Needs", "gather_facts"]

T = TypeVar("T")
Key = tuple[int, int]  # (organisation id, window days)

# Organisations the daily evaluation judges: invited ones have nobody in yet, suspended ones
# are out of the program until reinstated.
EVALUATED_STATUSES = (OrgStatus.ONBOARDING.value, OrgStatus.ACTIVE.value)


@dataclass(frozen=True)
class Needs:
    """Which facts the program's criteria look at, and how far back."""

    agreement: bool  # an agreement_accepted criterion
    compliance: bool  # a compliance_current criterion
    certificates: bool
    accepted_windows: frozenset[int]  # the accepted_referrals windows, in days
    won_windows: frozenset[int]  # the won_deals / won_value windows
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
            agreement=any(c.kind == "agreement_accepted" for c in criteria),
            compliance=any(c.kind == "compliance_current" for c in criteria),
            certificates=any(c.kind == "certified_people" for c in criteria),
            accepted_windows=_windows(criteria, ("accepted_referrals",)),
            won_windows=_windows(criteria, ("won_deals", "won_value")),
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


def _windows(criteria: list[Criterion], kinds: tuple[str, ...]) -> frozenset[int]:
    return frozenset(c.window_days or 0 for c in criteria if c.kind in kinds)


def gather_facts(
    orgs: Sequence[Organization], program: Program, now: datetime
) -> dict[int, OrgFacts]:
    """The facts of each organisation, by id: at most six statements for any number of them."""
    ids = [org.id for org in orgs]
    needs = Needs.of(program)
    agreed = _agreement_current(ids, program, now) if needs.agreement else frozenset()
    documented = (
        orgs_documents_current(
            ((org.id, org.partner_type) for org in orgs), program.compliance, now.date()
        )
        if needs.compliance
        else frozenset()
    )
    certificates = _certificates(ids, now) if needs.certificates else {}
    accepted = _accepted(ids, now, needs.accepted_windows) if needs.accepted_windows else {}
    won = _won(ids, now, needs.won_windows, program.currency) if needs.won_windows else {}
    windows = sorted(needs.accepted_windows | needs.won_windows)
    attested = _attested(ids, now.date(), needs) if needs.facts else {}
    return {
        org.id: OrgFacts(
            organization_id=org.id,
            partner_type=org.partner_type,
            tier=org.tier,
            agreement_current=org.id in agreed,
            compliance_current=org.id in documented,
            activated_at=org.activated_at,
            certificates=tuple(certificates.get(org.id, ())),
            windows={
                days: WindowTotals(
                    accepted_referrals=accepted.get((org.id, days), 0),
                    won_deals=won.get((org.id, days), (0, 0))[0],
                    won_value_minor=won.get((org.id, days), (0, 0))[1],
                )
                for days in windows
            },
            attestations=tuple(attested.get(org.id, ())),
        )
        for org in orgs
    }


def _agreement_current(ids: list[int], program: Program, now: datetime) -> frozenset[int]:
    """The organisations that accepted the version of the partner agreement binding `now`."""
    if program.agreement is None or not ids:
        return frozenset()
    required = program.agreement.required_version(now.date())
    return frozenset(
        db.session.scalars(
            sa.select(AgreementAcceptance.organization_id)
            .where(
                AgreementAcceptance.organization_id.in_(ids),
                AgreementAcceptance.version >= required,
            )
            .distinct()
        )
    )


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


def _accepted(ids: list[int], now: datetime, windows: frozenset[int]) -> dict[Key, int]:
    """Referrals accepted in each window, by (organisation, window days)."""
    r = Referral
    days = sorted(windows)
    counts = [_count_after(r.accepted_at, now - timedelta(days=d)) for d in days]
    rows = db.session.execute(
        sa.select(r.organization_id, *counts)
        .where(
            r.organization_id.in_(ids),
            r.accepted_at > now - timedelta(days=days[-1]),
            r.accepted_at <= now,
        )
        .group_by(r.organization_id)
    )
    return {
        (org_id, d): int(n or 0)
        for org_id, *values in rows
        for d, n in zip(days, values, strict=True)
    }


def _won(
    ids: list[int], now: datetime, windows: frozenset[int], currency: str
) -> dict[Key, tuple[int, int]]:
    """Deals won in each window and their value in the program's currency, by (organisation,
    window days)."""
    r = Referral
    days = sorted(windows)
    in_currency = sa.func.coalesce(r.deal_currency, "") == currency
    value = sa.func.coalesce(r.deal_value_minor, 0)
    columns = []
    for d in days:
        since = now - timedelta(days=d)
        columns += [
            _count_after(r.closed_at, since),
            sa.func.sum(sa.case((sa.and_(r.closed_at > since, in_currency), value), else_=0)),
        ]
    rows = db.session.execute(
        sa.select(r.organization_id, *columns)
        .where(
            r.organization_id.in_(ids),
            r.status == ReferralStatus.WON.value,
            r.closed_at > now - timedelta(days=days[-1]),
            r.closed_at <= now,
        )
        .group_by(r.organization_id)
    )
    totals: dict[Key, tuple[int, int]] = {}
    for org_id, *values in rows:
        for n, d in enumerate(days):
            totals[(org_id, d)] = (int(values[2 * n] or 0), int(values[2 * n + 1] or 0))
    return totals


def _count_after(
    moment: sa.orm.InstrumentedAttribute[Any], since: datetime
) -> sa.ColumnElement[Any]:
    """How many rows of the group have `moment` after `since` (both databases: SUM of CASE)."""
    return sa.func.sum(sa.case((moment > since, 1), else_=0))


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
