"""/insights for the partner team: the program's indicators, their drill-downs, their CSV."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.audit.service import record_audit
from portal.content_runtime import current_content
from portal.database import writes_database
from portal.db_types import utcnow
from portal.extensions import db
from portal.insights.drill import drill_page
from portal.insights.export import csv_response
from portal.insights.page import build_sections, table_by_id
from portal.insights.page_context import PageContext
from portal.insights.periods import offered_periods
from portal.insights.rollup import page_figures
from portal.insights.scope import ARG_MAX, parse_query

bp = Blueprint("insights", __name__, url_prefix="/insights")

FORMATS = ("", "html", "csv")


def _format() -> tuple[str, str | None]:
    value = request.args.get("format", "").strip().lower()[:ARG_MAX]
    if value not in FORMATS:
        return "", f"Unknown format “{value[:20]}”: showing the page (use format=csv)."
    return value, None


@bp.get("")
@staff_required
def index():
    """The program's leading indicators for a period and filters, each with its change."""
    content, now = current_content(), utcnow()
    query = parse_query(request.args, content.program, now)
    shown = page_figures(query, content, now)
    query = replace(query, period=shown.period)
    sections = build_sections(PageContext(shown.figures, query, content, now))
    output, problem = _format()
    if output == "csv":
        table_id = request.args.get("table", "").strip()[:ARG_MAX]
        table = table_by_id(sections, table_id)
        if table is None:
            abort(400, description=f"There is no table “{table_id[:50]}” on this page to download.")
        return csv_response(table, f"insights-{table.id}-{query.period.key}.csv")
    problems = [*query.problems, *([problem] if problem else [])]
    return render_template(
        "insights/index.html",
        query=query,
        sections=sections,
        shown=shown,
        now=now,
        program=content.program,
        periods=offered_periods(now),
        problems=problems,
        csv_url=lambda table_id: url_for(
            "insights.index", format="csv", table=table_id, **query.as_args()
        ),
    )


@bp.get("/drill/<figure>")
@writes_database
@staff_required
def drill(figure: str):
    """The rows behind one figure of the page, filtered the same way (and as CSV)."""
    content, now = current_content(), utcnow()
    query = parse_query(request.args, content.program, now)
    output, problem = _format()
    found = drill_page(figure, query, request.args, content, now, for_csv=output == "csv")
    if found is None:
        abort(404)
    if output == "csv":
        # The list names partner people and companies: who took it, and when, is on record.
        record_audit(
            current_user, "insights.exported", "insights", figure,
            after={**query.as_args(), "key": found.key},
        )  # fmt: skip
        db.session.commit()
        return csv_response(found.table, f"insights-{figure}-{query.period.key}.csv")
    args = {**query.as_args(), **({"key": found.key} if found.key else {})}
    return render_template(
        "insights/drill.html",
        found=found,
        query=query,
        args=args,
        problems=[*found.problems, *([problem] if problem else [])],
    )
