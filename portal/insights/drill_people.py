"""Drill-down statements for organisations, certificates, people, quiz attempts, meetings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.models import ActivityEvent
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.insights.drill_types import DrillArgs
from portal.insights.enablement import first_attempt
from portal.insights.engagement import EVENT_KINDS, meeting_days
from portal.insights.groups import in_window, org_scope
from portal.insights.recruitment import KIT_KINDS
from portal.learning.models import Certification, QuizAttempt
from portal.referrals.models import Referral, ReferralStatus
from portal.staff.models import Meeting

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


def orgs(args: DrillArgs, *conditions: Any) -> sa.Select:
    return (
        sa.select(*ORG_COLUMNS)
        .where(*conditions, *org_scope(args.scope))
        .order_by(Organization.name, Organization.id)
    )


def first_in(args: DrillArgs, column: Any, *conditions: Any) -> sa.Select:
    first = (
        sa.select(Referral.organization_id)
        .where(*conditions)
        .group_by(Referral.organization_id)
        .having(sa.func.min(column) >= args.window.start, sa.func.min(column) < args.window.end)
    )
    return orgs(args, Organization.id.in_(first))


def cohort(args: DrillArgs) -> sa.Select:
    year, month = (int(part) for part in args.key.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return orgs(args, Organization.created_at >= start, Organization.created_at < end)


def cohort_keys(content: ContentIndex) -> dict[str, str]:
    now = utcnow()
    keys = {}
    year, month = now.year, now.month
    for _ in range(12):
        keys[f"{year:04d}-{month:02d}"] = f"invited in {year:04d}-{month:02d}"
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys


def funnel(args: DrillArgs) -> sa.Select:
    has = sa.exists().where(Referral.organization_id == Organization.id)
    conditions = {
        "invited": sa.true(),
        "activated": Organization.activated_at.is_not(None),
        "first_referral": has,
        "first_win": sa.exists().where(
            Referral.organization_id == Organization.id, Referral.status == ReferralStatus.WON
        ),
    }
    return orgs(args, conditions[args.key or "invited"])


FUNNEL_KEYS = {
    "invited": "every organisation",
    "activated": "activated",
    "first_referral": "with a referral",
    "first_win": "with a win",
}


def kit_used(args: DrillArgs) -> sa.Select:
    used = sa.select(ActivityEvent.organization_id).where(
        ActivityEvent.kind.in_(KIT_KINDS), in_window(ActivityEvent.created_at, args.window)
    )
    return orgs(args, Organization.id.in_(used))


# --- certificates, people, attempts ------------------------------------------------------


def path_keys(content: ContentIndex) -> dict[str, str]:
    return {path.id: path.title for path in content.paths.values()}


def certificates(args: DrillArgs, *conditions: Any) -> sa.Select:
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


def people(args: DrillArgs, user_column: Any, time_column: Any, *conditions: Any) -> sa.Select:
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


def events(args: DrillArgs) -> sa.Select:
    kinds: tuple[str, ...] = {"template": ("template_copy", "template_download")}.get(
        args.key, (args.key,)
    )
    if not args.key:
        kinds = EVENT_KINDS
    return people(
        args,
        ActivityEvent.user_id,
        ActivityEvent.created_at,
        ActivityEvent.kind.in_(kinds),
        in_window(ActivityEvent.created_at, args.window),
    )


def attempts(args: DrillArgs) -> sa.Select:
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


# --- meetings and commissions ------------------------------------------------------------


def meetings(args: DrillArgs) -> sa.Select:
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
