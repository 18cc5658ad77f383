"""Every figure of /insights for a period: the queries once, then the figures per scope.

The page's live path runs the queries filtered to its one scope; the rollup runs them once
unfiltered and derives the figures of every filter combination from the grouped rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from portal.content.model import ContentIndex
from portal.insights.attention import attention_figures, collect_attention
from portal.insights.commissions import collect_commissions, commission_figures
from portal.insights.enablement import collect_enablement, enablement_figures
from portal.insights.engagement import collect_engagement, engagement_figures
from portal.insights.leads import period_lead_figures
from portal.insights.mdf import collect_mdf, mdf_figures
from portal.insights.periods import Period
from portal.insights.pipeline import collect_pipeline, conversion_figures, pipeline_figures
from portal.insights.questions import collect_questions, question_figures
from portal.insights.recruitment import OrgFacts, org_facts, recruitment_figures
from portal.insights.responsiveness import collect_responsiveness, responsiveness_figures
from portal.insights.scope import Scope

__all__ = ["Figures", "compute_figures"]

Figures = dict[str, Any]  # JSON: what a snapshot stores and the page reads


def compute_figures(
    period: Period,
    content: ContentIndex,
    now: datetime,
    scopes: Iterable[Scope],
    query_scope: Scope | None = None,
    facts: list[OrgFacts] | None = None,
) -> dict[Scope, Figures]:
    """The figures of each scope in `scopes` (each must lie within `query_scope`)."""
    program = content.program
    query_scope = query_scope or Scope()
    if facts is None:
        facts = org_facts(query_scope)
    enablement = collect_enablement(period, query_scope, now)
    pipeline = collect_pipeline(period, query_scope, program)
    engagement = collect_engagement(period, query_scope)
    responsiveness = collect_responsiveness(period, query_scope, now)
    commissions = collect_commissions(period, query_scope, program)
    questions = collect_questions(period, query_scope, now)
    attention = collect_attention(query_scope, now)
    mdf = collect_mdf(period, query_scope, program)
    leads = period_lead_figures(period)  # program-wide: the filters do not apply
    paths = sorted(content.paths)
    # The region filter means the organisation's region for organisation figures (sections
    # 1, 2, 5 and 8) and the referral's region for referral figures (3, 4, 6 and 7).
    return {
        scope: {
            "recruitment": recruitment_figures(facts, scope, period, now),
            "enablement": enablement_figures(enablement, facts, scope, paths),
            "engagement": engagement_figures(engagement, scope),
            "attention": attention_figures(attention, scope),
            "pipeline": pipeline_figures(pipeline, scope, program),
            "conversion": conversion_figures(pipeline, scope, program),
            "responsiveness": responsiveness_figures(responsiveness, scope),
            "commissions": commission_figures(commissions, scope),
            "questions": question_figures(questions, scope),
            "mdf": mdf_figures(mdf, scope),
            "leads": leads,
        }
        for scope in scopes
    }
