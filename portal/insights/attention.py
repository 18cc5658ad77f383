"""Section 8, partners needing attention: how many organisations carry each flag now.

The flags are the organisation list's (defined in portal/insights/flags.py); each count links there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.insights.flags import FLAGS, flag_conditions
from portal.insights.groups import ORG_GROUP, Rows, org_scope
from portal.insights.scope import Scope

__all__ = ["attention_figures", "collect_attention"]


def collect_attention(scope: Scope, now: datetime) -> Rows:
    """Organisations per flag, grouped by partner type, tier and region (one statement)."""
    conditions = flag_conditions(now)
    counts = [sa.func.sum(sa.case((conditions[flag], 1), else_=0)) for flag in FLAGS]
    stmt = sa.select(*ORG_GROUP, *counts).where(*org_scope(scope)).group_by(*ORG_GROUP)
    # One row per (group, flag) so Rows can add them up per scope.
    rows = [
        (partner_type, tier, region, flag, count or 0)
        for partner_type, tier, region, *flag_counts in db.session.execute(stmt)
        for flag, count in zip(FLAGS, flag_counts, strict=True)
    ]
    return Rows(rows, keys=1, regional=True)


def attention_figures(rows: Rows, scope: Scope) -> dict[str, Any]:
    counts = rows.by_key(scope)
    return {flag: counts.get(flag, 0) for flag in FLAGS}
