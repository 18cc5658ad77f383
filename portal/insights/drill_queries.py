"""The rows behind each figure of /insights: one SELECT per drill-down, filtered like the page.

Each drill-down names the kind of row it lists (organisations, referrals, certificates,
people, quiz attempts, meetings, commissions) and builds its statement from the period's
current window, the filters, an optional key (a learning path, a stage, an owner...) and now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import Organization, User
from portal.audit.models import ActivityEvent
from portal.content.model import ContentIndex, Program
from portal.db_types import utcnow
from portal.insights.enablement import first_attempt, valid_certificate
from portal.insights.engagement import EVENT_KINDS, meeting_days
from portal.insights.groups import in_window, org_scope, referral_scope
from portal.insights.periods import Window
from portal.insights.recruitment import KIT_KINDS
from portal.insights.responsiveness import first_response_overdue
from portal.insights.scope import Scope
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.referrals.events import stage_name
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    CommissionStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from portal.staff.attention import expiring_certificate, stale_referral
from portal.staff.models import MEETING_KIND_NAMES, Meeting

__all__ = ["DRILLS", "OWNER_KEY", "Drill", "DrillArgs"]


@dataclass(frozen=True)
class DrillArgs:
    window: Window
    scope: Scope
    key: str  # "" when none was given (checked against `Drill.keys` first)
    now: datetime
    program: Program


@dataclass(frozen=True)
class Drill:
    title: str  # "Organisations invited", completed with the period by the page
    kind: (
        str  # organisations | referrals | certificates | people | attempts | meetings | commissions
    )
    build: Callable[[DrillArgs], sa.Select]
    # key → words (None: the drill takes no key; OWNER_KEY: a user id, 0 for nobody)
    keys: Callable[[ContentIndex], dict[str, str]] | str | None = None
    in_period: bool = True  # False: a figure about now


# --- organisations -----------------------------------------------------------------------

ORG_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.partner_type,
    Organization.tier,
    Organization.status,
    Organization.created_at,
    Organization.activated_at,
)


def _orgs(args: DrillArgs, *conditions: Any) -> sa.Select:
    return (
        sa.select(*ORG_COLUMNS)
        .where(*conditions, *org_scope(args.scope))
        .order_by(Organization.name, Organization.id)
    )


def _first_in(args: DrillArgs, column: Any, *conditions: Any) -> sa.Select:
    first = (
        sa.select(Referral.organization_id)
        .where(*conditions)
        .group_by(Referral.organization_id)
        .having(sa.func.min(column) >= args.window.start, sa.func.min(column) < args.window.end)
    )
    return _orgs(args, Organization.id.in_(first))


def _cohort(args: DrillArgs) -> sa.Select:
    year, month = (int(part) for part in args.key.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return _orgs(args, Organization.created_at >= start, Organization.created_at < end)


def _cohort_keys(content: ContentIndex) -> dict[str, str]:
    now = utcnow()
    keys = {}
    year, month = now.year, now.month
    for _ in range(12):
        keys[f"{year:04d}-{month:02d}"] = f"invited in {year:04d}-{month:02d}"
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys


def _funnel(args: DrillArgs) -> sa.Select:
    has = sa.exists().where(Referral.organization_id == Organization.id)
    conditions = {
        "invited": sa.true(),
        "activated": Organization.activated_at.is_not(None),
        "first_referral": has,
        "first_win": sa.exists().where(
            Referral.organization_id == Organization.id, Referral.status == ReferralStatus.WON
        ),
    }
    return _orgs(args, conditions[args.key or "invited"])


FUNNEL_KEYS = {
    "invited": "every organisation",
    "activated": "activated",
    "first_referral": "with a referral",
    "first_win": "with a win",
}


def _kit_used(args: DrillArgs) -> sa.Select:
    used = sa.select(ActivityEvent.organization_id).where(
        ActivityEvent.kind.in_(KIT_KINDS), in_window(ActivityEvent.created_at, args.window)
    )
    return _orgs(args, Organization.id.in_(used))


# --- certificates, people, attempts ------------------------------------------------------


def _path_keys(content: ContentIndex) -> dict[str, str]:
    return {path.id: path.title for path in content.paths.values()}


def _certificates(args: DrillArgs, *conditions: Any) -> sa.Select:
    if args.key:
        conditions = (*conditions, Certification.path_id == args.key)
    return (
        sa.select(
            Certification.id,
            sa.func.coalesce(sa.func.nullif(User.name, ""), User.email),
            Organization.id,
            Organization.name,
            Certification.path_id,
            Certification.issued_at,
            Certification.expires_at,
        )
        .join(User, User.id == Certification.user_id)
        .join(Organization, Organization.id == Certification.organization_id)
        .where(*conditions, *org_scope(args.scope))
        .order_by(Certification.issued_at.desc(), Certification.id.desc())
    )


def _people(args: DrillArgs, user_column: Any, time_column: Any, *conditions: Any) -> sa.Select:
    return (
        sa.select(
            User.id,
            sa.func.coalesce(sa.func.nullif(User.name, ""), User.email),
            Organization.id,
            Organization.name,
            sa.func.count(),
            sa.func.max(time_column),
        )
        .select_from(user_column.class_)
        .join(User, User.id == user_column)
        .join(Organization, Organization.id == User.organization_id)
        .where(*conditions, *org_scope(args.scope))
        .group_by(User.id, User.name, User.email, Organization.id, Organization.name)
        .order_by(sa.func.count().desc(), User.id)
    )


def _events(args: DrillArgs) -> sa.Select:
    kinds = {"template": ("template_copy", "template_download")}.get(args.key, (args.key,))
    if not args.key:
        kinds = EVENT_KINDS
    return _people(
        args,
        ActivityEvent.user_id,
        ActivityEvent.created_at,
        ActivityEvent.kind.in_(kinds),
        in_window(ActivityEvent.created_at, args.window),
    )


def _attempts(args: DrillArgs) -> sa.Select:
    conditions = [in_window(QuizAttempt.submitted_at, args.window), first_attempt()]
    if args.key:
        conditions.append(QuizAttempt.path_id == args.key)
    return (
        sa.select(
            QuizAttempt.id,
            sa.func.coalesce(sa.func.nullif(User.name, ""), User.email),
            Organization.id,
            Organization.name,
            QuizAttempt.path_id,
            QuizAttempt.module_id,
            QuizAttempt.submitted_at,
            QuizAttempt.score,
            QuizAttempt.passed,
        )
        .join(User, User.id == QuizAttempt.user_id)
        .join(Organization, Organization.id == QuizAttempt.organization_id)
        .where(*conditions, *org_scope(args.scope))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    )


# --- referrals ---------------------------------------------------------------------------

REFERRAL_COLUMNS = (
    Referral.id,
    Referral.company_name,
    Organization.id,
    Organization.name,
    Referral.region,
    Referral.status,
    Referral.submitted_at,
    Referral.closed_at,
    Referral.first_responded_at,
)


def _referrals(args: DrillArgs, *conditions: Any, newest: Any = Referral.submitted_at) -> Any:
    return (
        sa.select(*REFERRAL_COLUMNS)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(*conditions, *referral_scope(args.scope, Referral.region))
        .order_by(newest.desc(), Referral.id.desc())
    )


def _owned(args: DrillArgs) -> list[Any]:
    if not args.key:
        return []
    owner = int(args.key)
    return [Referral.owner_id.is_(None) if owner == 0 else Referral.owner_id == owner]


def _closed(args: DrillArgs) -> sa.Select:
    ended = (ReferralStatus.WON.value, ReferralStatus.LOST.value, ReferralStatus.REJECTED.value)
    conditions: list[Any] = [in_window(Referral.closed_at, args.window), Referral.status.in_(ended)]
    if args.key:
        stages = [s for s in args.program.pipeline_stages if s != ReferralStatus.LOST]
        later = stages[stages.index(args.key) :]
        lost = aliased(ReferralEvent)
        lost_from_later = sa.exists().where(
            lost.referral_id == Referral.id,
            lost.to_status == ReferralStatus.LOST,
            lost.from_status.in_(later),
        )
        reached = [
            Referral.status == ReferralStatus.WON,
            sa.and_(Referral.status == ReferralStatus.LOST, lost_from_later),
        ]
        if args.key == stages[0]:  # a rejected referral reached the first stage only
            reached.append(Referral.status == ReferralStatus.REJECTED)
        conditions.append(sa.or_(*reached))
    return _referrals(args, *conditions, newest=Referral.closed_at)


def _stage_keys(content: ContentIndex) -> dict[str, str]:
    stages = content.program.pipeline_stages
    return {s: f"that reached {stage_name(s).lower()}" for s in stages if s != ReferralStatus.LOST}


def _open_stage_keys(content: ContentIndex) -> dict[str, str]:
    stages = ["submitted", "conflict", *content.program.pipeline_stages]
    return {s: stage_name(s).lower() for s in stages if s not in ("won", "lost", "rejected")}


OWNER_KEY = "owner"  # keys are user ids (0: nobody), checked by the view


def _accepted(args: DrillArgs) -> sa.Select:
    accepted = sa.select(ReferralEvent.referral_id).where(
        ReferralEvent.to_status == ReferralStatus.ACCEPTED,
        in_window(ReferralEvent.created_at, args.window),
    )
    return _referrals(args, Referral.id.in_(accepted))


# --- meetings and commissions ------------------------------------------------------------


def _meetings(args: DrillArgs) -> sa.Select:
    first, last = meeting_days(args.window)
    conditions = [Meeting.held_on >= first, Meeting.held_on < last]
    if args.key:
        conditions.append(Meeting.kind == args.key)
    return (
        sa.select(
            Meeting.id,
            Meeting.held_on,
            Meeting.kind,
            Organization.id,
            Organization.name,
            Meeting.note,
        )
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(*conditions, *org_scope(args.scope))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )


def _commissions(args: DrillArgs) -> sa.Select:
    flow = args.key or "earned"
    columns = {
        "earned": Commission.created_at,
        "approved": Commission.approved_at,
        "paid": Commission.paid_at,
    }
    stmt = sa.select(
        Commission.id,
        Referral.id,
        Organization.id,
        Organization.name,
        Commission.amount_minor,
        Commission.currency,
        Commission.status,
        CommissionDispute.opened_at if flow == "disputed" else columns[flow],
    )
    if flow == "disputed":
        stmt = stmt.select_from(CommissionDispute).join(
            Commission, Commission.id == CommissionDispute.commission_id
        )
        when = in_window(CommissionDispute.opened_at, args.window)
        order = CommissionDispute.opened_at
    else:
        stmt = stmt.select_from(Commission)
        when = in_window(columns[flow], args.window)
        order = columns[flow]
    return (
        stmt.join(Referral, Referral.id == Commission.referral_id)
        .join(Organization, Organization.id == Commission.organization_id)
        .where(when, *referral_scope(args.scope, Referral.region))
        .order_by(order.desc(), Commission.id.desc())
    )


def _commissions_now(args: DrillArgs) -> sa.Select:
    return (
        sa.select(
            Commission.id,
            Referral.id,
            Organization.id,
            Organization.name,
            Commission.amount_minor,
            Commission.currency,
            Commission.status,
            Commission.created_at,
        )
        .join(Referral, Referral.id == Commission.referral_id)
        .join(Organization, Organization.id == Commission.organization_id)
        .where(Commission.status == args.key, *referral_scope(args.scope, Referral.region))
        .order_by(Commission.created_at.desc(), Commission.id.desc())
    )


def _fixed(keys: dict[str, str]) -> Callable[[ContentIndex], dict[str, str]]:
    return lambda _content: keys


DRILLS: dict[str, Drill] = {
    "invited": Drill(
        "Organisations invited",
        "organisations",
        lambda a: _orgs(a, in_window(Organization.created_at, a.window)),
    ),
    "activated": Drill(
        "Organisations activated",
        "organisations",
        lambda a: _orgs(a, in_window(Organization.activated_at, a.window)),
    ),
    "first-referral": Drill(
        "Organisations with their first referral",
        "organisations",
        lambda a: _first_in(a, Referral.submitted_at),
    ),
    "first-win": Drill(
        "Organisations with their first win",
        "organisations",
        lambda a: _first_in(a, Referral.closed_at, Referral.status == ReferralStatus.WON),
    ),
    "cohort": Drill("Organisations", "organisations", _cohort, _cohort_keys, in_period=False),
    "funnel": Drill(
        "Organisations", "organisations", _funnel, _fixed(FUNNEL_KEYS), in_period=False
    ),
    "kit-used": Drill("Organisations that used a kit", "organisations", _kit_used),
    "certs-issued": Drill(
        "Certificates issued",
        "certificates",
        lambda a: _certificates(
            a, in_window(Certification.issued_at, a.window), Certification.revoked_at.is_(None)
        ),
        _path_keys,
    ),
    "certified-now": Drill(
        "Valid certificates now",
        "certificates",
        lambda a: _certificates(a, *valid_certificate(a.now)),
        _path_keys,
        in_period=False,
    ),
    "certs-expiring": Drill(
        "Certificates expiring in the next 30 days",
        "certificates",
        lambda a: _certificates(a, *expiring_certificate(a.now)),
        _path_keys,
        in_period=False,
    ),
    "completions": Drill(
        "People who completed modules",
        "people",
        lambda a: _people(
            a,
            ModuleCompletion.user_id,
            ModuleCompletion.completed_at,
            in_window(ModuleCompletion.completed_at, a.window),
        ),
    ),
    "first-attempts": Drill("First quiz attempts", "attempts", _attempts, _path_keys),
    "active-users": Drill(
        "Active partner people",
        "people",
        lambda a: _people(
            a,
            ActivityEvent.user_id,
            ActivityEvent.created_at,
            in_window(ActivityEvent.created_at, a.window),
        ),
    ),
    "events": Drill(
        "Partner people by activity",
        "people",
        _events,
        _fixed(
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
        lambda a: _referrals(
            a,
            in_window(Referral.submitted_at, a.window),
            *([Referral.involvement == a.key] if a.key else []),
        ),
        _fixed({"sourced": "partner-sourced", "influenced": "partner-influenced"}),
    ),
    "accepted": Drill("Referrals accepted", "referrals", _accepted),
    "won": Drill(
        "Referrals won",
        "referrals",
        lambda a: _referrals(
            a,
            in_window(Referral.closed_at, a.window),
            Referral.status == ReferralStatus.WON,
            newest=Referral.closed_at,
        ),
    ),
    "closed": Drill("Referrals closed", "referrals", _closed, _stage_keys),
    "open": Drill(
        "Open referrals",
        "referrals",
        lambda a: _referrals(a, Referral.status == a.key),
        _open_stage_keys,
        in_period=False,
    ),
    "sla-due": Drill(
        "Referrals with a first response due",
        "referrals",
        lambda a: _referrals(
            a,
            in_window(Referral.first_response_due_at, a.window),
            *_owned(a),
            newest=Referral.first_response_due_at,
        ),
        OWNER_KEY,
    ),
    "answered": Drill(
        "Referrals answered for the first time",
        "referrals",
        lambda a: _referrals(
            a,
            in_window(Referral.first_responded_at, a.window),
            *_owned(a),
            newest=Referral.first_responded_at,
        ),
        OWNER_KEY,
    ),
    "overdue-now": Drill(
        "Referrals waiting past their first-response time",
        "referrals",
        lambda a: _referrals(a, *first_response_overdue(a.now), *_owned(a)),
        OWNER_KEY,
        in_period=False,
    ),
    "stale": Drill(
        "Stale referrals",
        "referrals",
        lambda a: _referrals(a, *stale_referral(a.now), *_owned(a)),
        OWNER_KEY,
        in_period=False,
    ),
    "meetings": Drill("Meetings", "meetings", _meetings, _fixed(dict(MEETING_KIND_NAMES))),
    "commissions": Drill(
        "Commissions",
        "commissions",
        _commissions,
        _fixed(
            {"earned": "earned", "approved": "approved", "paid": "paid", "disputed": "disputed"}
        ),
    ),
    "commissions-now": Drill(
        "Commissions now",
        "commissions",
        _commissions_now,
        _fixed({str(s): str(s) for s in CommissionStatus}),
        in_period=False,
    ),
}
