"""What the home pages show: the partner's next action and progress; the program at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for

from portal.accounts.models import Organization, OrgStatus, User
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.api import certifications_for_user, next_module_for, paths_progress
from portal.main.tier_card import TierCard, tier_card_for
from portal.onboarding.api import checklist_for
from portal.referrals.api import (
    AnsweredDispute,
    EarningsThisYear,
    OpenReferrals,
    answered_disputes,
    earnings_this_year,
    open_referrals,
    open_statuses,
)


@dataclass(frozen=True)
class NextAction:
    title: str
    reason: str
    url: str
    label: str


@dataclass(frozen=True)
class PartnerHome:
    organization: Organization
    next_action: NextAction | None
    checklist: Any  # onboarding.service.ChecklistState
    paths: list[Any]  # learning.progress.PathProgress, in content order
    certifications: list[Any]
    referrals: OpenReferrals
    earnings: EarningsThisYear
    answered_disputes: list[AnsweredDispute]
    tier_card: TierCard | None

    @property
    def renewals_due(self) -> list[Any]:
        """Learning paths whose certificate is due for renewal: waiting on the partner."""
        return [p for p in self.paths if p.due_for_renewal]

    @property
    def waiting_on_partner(self) -> bool:
        return bool(self.answered_disputes or self.renewals_due)


@dataclass(frozen=True)
class StaffHome:
    counts_by_status: dict[str, int]
    recently_activated: list[Organization]
    program_name: str
    activated_last_30_days: int = 0


def partner_home(user: User, content: ContentIndex, now: datetime | None = None) -> PartnerHome:
    """Open referrals and what waits on the partner, this year's earnings, the tier card,
    the next best action (onboarding first, then learning), progress and certificates."""
    org = user.organization
    assert org is not None
    now = now or utcnow()
    checklist = checklist_for(org, content)
    progress = paths_progress(user, content.paths_for(org.partner_type))
    return PartnerHome(
        organization=org,
        next_action=_next_action(user, content, checklist, progress),
        checklist=checklist,
        paths=progress,
        certifications=certifications_for_user(user.id),
        referrals=open_referrals(org.id, open_statuses(content.program.pipeline_stages)),
        earnings=earnings_this_year(org.id, content.program.currency, now),
        answered_disputes=answered_disputes(org.id, now),
        tier_card=tier_card_for(org),
    )


def _next_action(
    user: User, content: ContentIndex, checklist: Any, progress: list[Any]
) -> NextAction | None:
    # A certificate waiting to be claimed comes first: it may be the onboarding step too.
    ready = next((p for p in progress if p.claimable), None)
    if ready is not None:
        return NextAction(
            title=ready.path.certificate,
            reason=f"You passed every module of {ready.path.title}",
            url=url_for("learning.path", path_id=ready.path.id),
            label="Get your certificate",
        )
    step = checklist.next_step
    if step is not None and not checklist.complete:
        return NextAction(
            title=step.step.title,
            reason="Next step of your onboarding checklist",
            url=url_for("onboarding.checklist"),
            label="Open the checklist",
        )
    upcoming = next_module_for(user, content, progress=progress)
    if upcoming is not None:
        path, module = upcoming
        return NextAction(
            title=module.title,
            reason=f"Next module of {path.title}",
            url=url_for("learning.module", path_id=path.id, module_id=module.id),
            label="Continue learning",
        )
    return None


def staff_home(content: ContentIndex, now: datetime | None = None) -> StaffHome:
    """Organisations by status and the latest activations: the program's leading indicators."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(Organization.status, sa.func.count()).group_by(Organization.status)
    ).all()
    counts = {status.value: 0 for status in OrgStatus}
    counts.update(dict(rows))
    recent = list(
        db.session.scalars(
            sa.select(Organization)
            .where(Organization.activated_at.is_not(None))
            .order_by(Organization.activated_at.desc())
            .limit(5)
        )
    )
    activated_lately = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Organization)
        .where(Organization.activated_at >= now - timedelta(days=30))
    )
    return StaffHome(
        counts_by_status=counts,
        recently_activated=recent,
        program_name=content.program.name,
        activated_last_30_days=activated_lately or 0,
    )
