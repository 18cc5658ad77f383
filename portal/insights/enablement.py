"""Section 2, enablement: certificates per learning path, modules, first-attempt pass rate,
certificates about to expire, and kit readiness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.insights.flags import EXPIRING_WITHIN, expiring_certificate
from portal.insights.groups import ORG_GROUP, Rows, in_window, org_scope
from portal.insights.periods import Period, Window
from portal.insights.recruitment import KIT_KINDS, OrgFacts
from portal.insights.scope import Scope
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt

__all__ = ["EXPIRING_WITHIN", "EnablementData", "collect_enablement", "enablement_figures"]

GROUP = ORG_GROUP
VERSION_ROWS = 50  # content versions listed; a version is one deploy of the content


@dataclass
class EnablementData:
    issued: tuple[Rows, Rows]  # per path, current and previous window
    completions: tuple[Rows, Rows]
    first_attempts: tuple[Rows, Rows]  # per path and passed
    kit_orgs: tuple[set[int], set[int]]  # organisations that used a kit in the window
    certified_now: Rows  # people holding a valid certificate, per path
    certified_people_now: Rows  # people holding any valid certificate
    expiring: Rows  # certificates expiring within 30 days, per path
    # graded quiz attempts per content version and passed, current and previous window
    by_version: tuple[Rows, Rows]


def valid_certificate(now: datetime) -> list[Any]:
    """A certificate that counts today: issued, not revoked, not expired."""
    return [
        Certification.revoked_at.is_(None),
        Certification.issued_at <= now,
        sa.or_(Certification.expires_at.is_(None), Certification.expires_at > now),
    ]


def _certifications(conditions: list[Any], scope: Scope, distinct_people: bool = False) -> Rows:
    counted = (
        sa.func.count(sa.distinct(Certification.user_id))
        if distinct_people
        else (sa.func.count(Certification.id))
    )
    stmt = (
        sa.select(*GROUP, Certification.path_id, counted)
        .join(Organization, Organization.id == Certification.organization_id)
        .where(*conditions, *org_scope(scope))
        .group_by(*GROUP, Certification.path_id)
    )
    return Rows(db.session.execute(stmt), keys=1, regional=True)


def first_attempt() -> Any:
    """An attempt that is the learner's first graded one at its module."""
    earlier = sa.orm.aliased(QuizAttempt)
    return ~sa.exists().where(
        earlier.user_id == QuizAttempt.user_id,
        earlier.path_id == QuizAttempt.path_id,
        earlier.module_id == QuizAttempt.module_id,
        earlier.submitted_at.is_not(None),
        earlier.id < QuizAttempt.id,
    )


def _first_attempts(window: Window, scope: Scope) -> Rows:
    stmt = (
        sa.select(*GROUP, QuizAttempt.path_id, QuizAttempt.passed, sa.func.count())
        .join(Organization, Organization.id == QuizAttempt.organization_id)
        .where(in_window(QuizAttempt.submitted_at, window), first_attempt(), *org_scope(scope))
        .group_by(*GROUP, QuizAttempt.path_id, QuizAttempt.passed)
    )
    return Rows(db.session.execute(stmt), keys=2, regional=True)


def _completions(window: Window, scope: Scope) -> Rows:
    stmt = (
        sa.select(*GROUP, sa.func.count())
        .select_from(ModuleCompletion)
        .join(User, User.id == ModuleCompletion.user_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(in_window(ModuleCompletion.completed_at, window), *org_scope(scope))
        .group_by(*GROUP)
    )
    return Rows(db.session.execute(stmt), regional=True)


def _kit_orgs(window: Window) -> set[int]:
    stmt = (
        sa.select(ActivityEvent.organization_id)
        .where(ActivityEvent.kind.in_(KIT_KINDS), in_window(ActivityEvent.created_at, window))
        .distinct()
    )
    return {org_id for org_id in db.session.scalars(stmt) if org_id is not None}


def collect_enablement(period: Period, scope: Scope, now: datetime) -> EnablementData:
    """Run the section's queries (filtered to `scope` for one page, unfiltered for a rollup)."""
    windows = (period.current, period.previous)
    issued = [
        _certifications(
            [in_window(Certification.issued_at, w), Certification.revoked_at.is_(None)], scope
        )
        for w in windows
    ]
    return EnablementData(
        issued=(issued[0], issued[1]),
        completions=(_completions(windows[0], scope), _completions(windows[1], scope)),
        first_attempts=(_first_attempts(windows[0], scope), _first_attempts(windows[1], scope)),
        kit_orgs=(_kit_orgs(windows[0]), _kit_orgs(windows[1])),
        certified_now=_certifications(valid_certificate(now), scope, distinct_people=True),
        certified_people_now=_people_certified(now, scope),
        expiring=_certifications(expiring_certificate(now), scope),
        by_version=(_by_version(windows[0], scope), _by_version(windows[1], scope)),
    )


def _by_version(window: Window, scope: Scope) -> Rows:
    """Graded attempts per content version (the version each was graded against) and result."""
    stmt = (
        sa.select(*GROUP, QuizAttempt.content_version, QuizAttempt.passed, sa.func.count())
        .join(Organization, Organization.id == QuizAttempt.organization_id)
        .where(
            in_window(QuizAttempt.submitted_at, window),
            QuizAttempt.passed.is_not(None),
            *org_scope(scope),
        )
        .group_by(*GROUP, QuizAttempt.content_version, QuizAttempt.passed)
    )
    return Rows(db.session.execute(stmt), keys=2, regional=True)


def _version_rows(data: EnablementData, scope: Scope) -> list[dict[str, Any]]:
    """Per content version: graded attempts and passes this period, graded the period before;
    the versions with most attempts first (at most VERSION_ROWS)."""
    now, before = (rows.by_keys(scope) for rows in data.by_version)
    versions = {version for version, _passed in (*now, *before)}
    rows = [
        {
            "version": version,
            "graded": now.get((version, True), 0) + now.get((version, False), 0),
            "passed": now.get((version, True), 0),
            "graded_before": before.get((version, True), 0) + before.get((version, False), 0),
        }
        for version in versions
    ]
    rows.sort(key=lambda row: (-row["graded"], -row["graded_before"], row["version"]))
    return rows[:VERSION_ROWS]


def _people_certified(now: datetime, scope: Scope) -> Rows:
    stmt = (
        sa.select(*GROUP, sa.func.count(sa.distinct(Certification.user_id)))
        .join(Organization, Organization.id == Certification.organization_id)
        .where(*valid_certificate(now), *org_scope(scope))
        .group_by(*GROUP)
    )
    return Rows(db.session.execute(stmt), regional=True)


def _pass_rate(rows: Rows, scope: Scope) -> tuple[int, int]:
    by_passed = rows.by_key(scope, index=1)
    return by_passed.get(True, 0), sum(by_passed.values())


def enablement_figures(
    data: EnablementData, facts: list[OrgFacts], scope: Scope, paths: list[str]
) -> dict[str, Any]:
    """The section's figures for one scope; `paths` orders the per-path table."""
    current, previous = data.first_attempts
    per_path_attempts = current.by_keys(scope)
    issued_now, issued_before = (rows.by_key(scope) for rows in data.issued)
    certified = data.certified_now.by_key(scope)
    expiring = data.expiring.by_key(scope)
    known = [*paths, *sorted((set(certified) | set(issued_now)) - set(paths))]
    per_path = []
    for path in dict.fromkeys(known):
        passed = per_path_attempts.get((path, True), 0)
        tried = passed + per_path_attempts.get((path, False), 0)
        per_path.append(
            {
                "path": path,
                "certified_now": certified.get(path, 0),
                "issued": [issued_now.get(path, 0), issued_before.get(path, 0)],
                "first_attempts": tried,
                "first_attempts_passed": passed,
                "expiring": expiring.get(path, 0),
            }
        )
    org_group = {org.id: (org.partner_type, org.tier, org.region) for org in facts}

    def kit_orgs(orgs: set[int]) -> int:
        return sum(1 for org_id in orgs if org_id in org_group and scope.admits(*org_group[org_id]))

    return {
        "per_path": per_path,
        "certified_people_now": data.certified_people_now.total(scope),
        "issued": [data.issued[0].total(scope), data.issued[1].total(scope)],
        "completions": [data.completions[0].total(scope), data.completions[1].total(scope)],
        "first_attempts": [list(_pass_rate(current, scope)), list(_pass_rate(previous, scope))],
        "expiring": data.expiring.total(scope),
        "kit_orgs": [kit_orgs(data.kit_orgs[0]), kit_orgs(data.kit_orgs[1])],
        "by_version": _version_rows(data, scope),
    }
