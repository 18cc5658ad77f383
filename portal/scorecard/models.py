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

__all__ = ["ProgramQuarter"]


class ProgramQuarter(Model):
    """Deals won and lost across the program in one quarter, and when they were counted."""

    __tablename__ = "scorecard_program_quarters"

    quarter: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # "2026-Q1"
    won: Mapped[int] = mapped_column()
    lost: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
