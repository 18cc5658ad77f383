"""Rolled-up program figures, and the indexes the reporting layer needs on feature tables.

`flask insights rollup` computes every figure of /insights for each period and each filter
combination and stores them here, one row per (period, partner type, tier, region); the page
reads two rows. The indexes below serve those computations and the drill-down lists (each
figure's rows in a period); they are declared here, beside the queries that need them, so the
features' own models stay about the features.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.audit.models import ActivityEvent  # noqa: F401  (its table holds no index here)
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.referrals.models import Referral, ReferralEvent


class InsightSnapshot(Model):
    """Every figure of one period for one filter combination ('' means any)."""

    __tablename__ = "insight_snapshots"
    __table_args__ = (sa.UniqueConstraint("period", "partner_type", "tier", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(20))  # "30", "90", "365", "2026-Q1", "now"
    partner_type: Mapped[str] = mapped_column(sa.String(50), default="")
    tier: Mapped[str] = mapped_column(sa.String(50), default="")
    region: Mapped[str] = mapped_column(sa.String(100), default="")
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


# Periods are ranges of these times (a figure's rows, and its drill-down list newest first).
sa.Index("ix_referrals_submitted_at", Referral.submitted_at)
sa.Index("ix_referrals_closed_at", Referral.closed_at)
sa.Index("ix_referrals_first_response_due", Referral.first_response_due_at)
sa.Index("ix_referrals_first_responded", Referral.first_responded_at)
sa.Index("ix_referral_events_to_status", ReferralEvent.to_status, ReferralEvent.created_at)
sa.Index("ix_certifications_issued_at", Certification.issued_at)
sa.Index("ix_certifications_expires_at", Certification.expires_at)
sa.Index("ix_module_completions_completed_at", ModuleCompletion.completed_at)
sa.Index("ix_quiz_attempts_submitted_at", QuizAttempt.submitted_at)
