"""/api/v1/insights: the program figures of /insights, for staff tokens (scope insights:read).

The one place the API reads the reporting layer, through its door `portal.insights.api`
(`program_figures`: the page's own parser and figures, the hourly snapshot or live). The
pyproject import contract allows exactly this import; docs/architecture.md says why.
An argument the page would name and ignore (an unknown period, tier, ...) is a 422 here: an
integration should learn that its filter matched nothing, not receive everyone's figures.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from portal.api.auth import limit_api, token_required
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.schemas import InsightsArgs, InsightsSchema
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import csrf
from portal.insights.api import program_figures

bp = Blueprint(
    "api_insights",
    __name__,
    url_prefix="/api/v1",
    description="Staff: the program figures of /insights.",
)
register_handlers(bp)
csrf.exempt(bp)  # Bearer tokens only, no cookies: portal/api/auth.py
limit_api(bp)

# In the order the page's parser names what it could not use.
_ARGS = ("period", "type", "tier", "region")


@bp.route("/insights", methods=["GET"])
@token_required("insights:read")
@bp.arguments(InsightsArgs, location="query")
@bp.response(200, InsightsSchema)
@documented(401, 403, 422, 429)
def figures(args: dict[str, str]) -> Any:
    """The figures /insights shows for a period and filters (staff tokens; insights:read).

    From the hourly snapshot when there is one (`computed_at` says when), else computed for
    the request (`live`). Sections and figures are those of the page.
    """
    found = program_figures(args, current_content(), utcnow())
    if found.problems:
        given = [name for name in _ARGS if _refused(name, args, found)]
        errors = dict(zip(given, ([p] for p in found.problems), strict=False))
        raise ApiProblem(422, " ".join(found.problems), {"query": errors or {"args": []}})
    period = found.period
    return {
        "period": period.key,
        "period_label": period.label,
        "current": {"start": period.current.start, "end": period.current.end},
        "previous": {"start": period.previous.start, "end": period.previous.end},
        "filters": found.scope.as_args(),
        "computed_at": found.computed_at,
        "live": found.live,
        "stale": found.stale,
        "figures": found.figures,
    }


def _refused(name: str, args: dict[str, str], found: Any) -> bool:
    """Whether the page's parser set this argument aside (it was given, and is not applied)."""
    given = args.get(name, "").strip()
    if not given:
        return False
    if name == "period":
        return found.period.key != given
    applied = {
        "type": found.scope.partner_type,
        "tier": found.scope.tier,
        "region": found.scope.region,
    }
    return applied[name] != given
