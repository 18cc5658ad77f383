"""The /insights page from its figures: links, labels and the eight sections in order."""

from __future__ import annotations

from portal.insights.page_activity import (
    attention_section,
    commissions_section,
    engagement_section,
)
from portal.insights.page_context import PageContext
from portal.insights.page_growth import enablement_section, recruitment_section
from portal.insights.page_leads import leads_section
from portal.insights.page_mdf import mdf_section
from portal.insights.page_pipeline import conversion_section, pipeline_section
from portal.insights.page_responsiveness import responsiveness_section
from portal.insights.view_model import Section, Table

__all__ = ["PageContext", "build_sections", "table_by_id"]


def build_sections(context: PageContext) -> list[Section]:
    """The eight sections of issue 12 §3, in its order, then market development funds."""
    """The eight sections of issue 12 §3, in its order, then the leads (issue 18)."""
    builders = (
        recruitment_section,
        enablement_section,
        pipeline_section,
        conversion_section,
        engagement_section,
        responsiveness_section,
        commissions_section,
        attention_section,
        mdf_section,
        leads_section,
    )
    return [build(context) for build in builders]


def table_by_id(sections: list[Section], table_id: str) -> Table | None:
    """The table with this id on the page (for its CSV), or None."""
    return next((t for s in sections for t in s.tables if t.id == table_id), None)
