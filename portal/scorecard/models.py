"""The program's win rate per quarter, stored: the one scorecard figure that reads every
organisation's deals, so it is computed by `flask scorecard refresh` (cron, hourly) instead of
on every page view. A quarter not stored yet is counted live by the page.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.db_types import UTCDateTime
from portal.extensions import Model

__all__ = ["OrgQuarter", "ProgramQuarter"]


class ProgramQuarter(Model):
    """Deals won and lost across the program in one quarter, and when they were counted."""

    __tablename__ = "scorecard_program_quarters"

    quarter: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # "2026-Q1"
    won: Mapped[int] = mapped_column()
    lost: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrgQuarter(Model):
    """One organisation's figures for one closed quarter, counted by `flask scorecard refresh`
    (portal/scorecard/rollup.py) exactly as the page counts them live, and when.

    A row is read only while it still holds: for the program currency it was counted in, and
    until `valid_until`, the first moment a referral of the quarter's cohort fell due for its
    first response after the count (None: every one was due already), which changes the SLA
    figures of a closed quarter without any row changing.
    """

    __tablename__ = "scorecard_org_quarters"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    quarter: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # "2026-Q1"
    currency: Mapped[str] = mapped_column(sa.String(3))  # the program's, for `won_value`
    invited: Mapped[int] = mapped_column()
    certified: Mapped[int] = mapped_column()
    certificates_issued: Mapped[int] = mapped_column()
    modules_completed: Mapped[int] = mapped_column()
    kit_downloads: Mapped[int] = mapped_column()
    content_views: Mapped[int] = mapped_column()
    submitted: Mapped[int] = mapped_column()
    accepted: Mapped[int] = mapped_column()
    won_of_submitted: Mapped[int] = mapped_column()
    won: Mapped[int] = mapped_column()
    lost: Mapped[int] = mapped_column()
    won_value: Mapped[int] = mapped_column(sa.BigInteger)
    response_due: Mapped[int] = mapped_column()
    response_on_time: Mapped[int] = mapped_column()
    median_response_seconds: Mapped[float | None] = mapped_column(sa.Float)
    commissions_earned: Mapped[dict[str, int]] = mapped_column(sa.JSON)  # currency -> minor
    commissions_paid: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
