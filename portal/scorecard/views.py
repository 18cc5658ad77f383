"""The quarterly scorecard: for partner admins at /scorecard, for staff under the organisation.

Parse the quarter, read the figures (portal.scorecard.figures), render the page or the CSV.
A partner admin only ever sees their own organisation: the partner routes take no
organisation argument at all.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import partner_admin_required, staff_required
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.scorecard.figures import Scorecard, scorecard_for
from portal.scorecard.leads import leads_section
from portal.scorecard.links import partner_links, staff_links
from portal.scorecard.quarters import Quarter, QuarterRefused, parse_quarter, quarter_of
from portal.scorecard.table import csv_filename, csv_lines, pipeline_rows, sections

bp = Blueprint("scorecard", __name__)

# The quarter menu goes back three years; any earlier quarter can still be asked for by URL.
QUARTERS_OFFERED = 12


@bp.get("/scorecard")
@partner_admin_required
def partner():
    """The organisation's quarterly scorecard, printable for a business review."""
    org = _own_organization()
    return _page(org, lambda q: url_for("scorecard.partner_csv", quarter=q.label), partner_links())


@bp.get("/scorecard.csv")
@partner_admin_required
def partner_csv():
    """The organisation's quarterly scorecard as CSV."""
    return _csv(_own_organization())


@bp.get("/staff/orgs/<id:org_id>/scorecard")
@staff_required
def staff(org_id: int):
    """A partner organisation's quarterly scorecard, as its partner admins see it."""
    org = db.get_or_404(Organization, org_id)
    return _page(
        org,
        lambda q: url_for("scorecard.staff_csv", org_id=org.id, quarter=q.label),
        staff_links(org.id),
    )


@bp.get("/staff/orgs/<id:org_id>/scorecard.csv")
@staff_required
def staff_csv(org_id: int):
    """A partner organisation's quarterly scorecard as CSV."""
    return _csv(db.get_or_404(Organization, org_id))


def _own_organization() -> Organization:
    org = current_user.organization
    if org is None:  # partner_admin_required lets no one without an organisation in
        abort(403)
    return org


def _quarter() -> tuple[Quarter, str | None]:
    """The quarter asked for, or the current one and the reason the one asked for was refused."""
    current = quarter_of(utcnow())
    try:
        return parse_quarter(request.args.get("quarter"), current), None
    except QuarterRefused as refused:
        return current, refused.message


def _scorecard(org: Organization, quarter: Quarter) -> Scorecard:
    return scorecard_for(org, quarter, current_content().program, utcnow())


def _page(org: Organization, csv_url: Callable[[Quarter], str], links: dict[str, str]):
    quarter, problem = _quarter()
    card = _scorecard(org, quarter)
    body = render_template(
        "scorecard/scorecard.html",
        card=card,
        sections=(*sections(card), leads_section(card, org.id)),
        pipeline=pipeline_rows(card),
        offered=quarter_of(utcnow()).trailing(QUARTERS_OFFERED)[::-1],
        problem=problem,
        csv_url=csv_url(quarter),
        links=links,
        staff_view=current_user.is_staff,
    )
    return body, 400 if problem else 200


def _csv(org: Organization):
    quarter, problem = _quarter()
    if problem:
        return Response(problem + "\n", 400, mimetype="text/plain")
    card = _scorecard(org, quarter)
    return Response(
        "".join(csv_lines(card)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(card)}"'},
    )
