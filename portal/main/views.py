"""Home, program pages and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user

from portal.accounts.access import login_required, partner_required, public, staff_required
from portal.audit.service import record_content_view_and_commit
from portal.content_runtime import current_content, failed_edit
from portal.errors import RETRY_AFTER_SECONDS
from portal.main.forms import StyleguideForm
from portal.main.health import database_reachable
from portal.main.home import partner_home, staff_home
from portal.main.table_cells import label_cells

bp = Blueprint("main", __name__)
bp.add_app_template_filter(label_cells, "label_cells")


@bp.get("/")
@login_required
def home():
    """Partner home (what to do next, progress) or staff home (program at a glance)."""
    content = current_content()
    if current_user.is_staff:
        return render_template("main/staff_home.html", home=staff_home(content))
    if current_user.organization is None:
        abort(403)
    return render_template("main/partner_home.html", home=partner_home(current_user, content))


@bp.get("/program")
@partner_required
def program_index():
    """The program's pages: guide, rules of engagement, payouts, governance."""
    content = current_content()
    return render_template(
        "main/program_index.html",
        program=content.program,
        pages=content.partner_pages(),
        partner_type=current_user.organization.partner_type,
    )


@bp.get("/program/<page_id>")
@partner_required
def program_page(page_id: str):
    """One program page, rendered from Markdown at content load."""
    page = current_content().pages.get(page_id)
    if page is None or page.staff_only:  # the partner team's pages are never served here
        abort(404)
    if request.method == "GET":  # a content view, at most once a day (engagement)
        record_content_view_and_commit(current_user, f"page:{page.id}")
    return render_template("main/program_page.html", page=page)


@bp.get("/styleguide")
@staff_required
def styleguide():
    """The design system: every button, form control and component, live."""
    form = StyleguideForm(formdata=None)
    form.show_sample_error()
    return render_template("main/styleguide.html", form=form)


@bp.get("/healthz")
@public
def healthz():
    """Content version and database reachability, for load balancers and monitoring.

    A newer content edit that failed to load makes the status "degraded" but still 200: the
    portal serves the last good content, so a load balancer keeps it; monitoring sees the
    flag. The problems themselves are only on the pages, in debug mode.
    """
    database_ok = database_reachable()
    edit_failed = failed_edit() is not None
    body = {
        "status": "unavailable" if not database_ok else "degraded" if edit_failed else "ok",
        "content_version": current_content().version,
        "content_newer_edit_failed": edit_failed,
        "database": "ok" if database_ok else "unreachable",
    }
    if database_ok:
        return jsonify(body)
    # The same headers as every page answers while the database is lost (portal/errors.py).
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return jsonify(body), 503, headers
