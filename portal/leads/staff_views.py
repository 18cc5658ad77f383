"""Staff side of leads: enter, import, the list by status, partner and age (and its CSV),
one lead with why the rules chose its partner, route again or assign by hand."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Flask, Response, abort, flash, redirect, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import staff_required
from portal.audit.service import record_audit
from portal.content.countries import country_name
from portal.content_runtime import current_content
from portal.csv_cells import guard_cell
from portal.db_types import utcnow
from portal.extensions import db
from portal.http import accepts, render_page
from portal.ids import parse_id
from portal.leads import intake, queries, service
from portal.leads.forms import AssignForm, ImportForm, LeadForm, RouteForm, StaffFilter
from portal.leads.importing import IMPORT_BYTES, import_leads_csv
from portal.leads.models import Lead, LeadSource, LeadStatus
from portal.pagination import cut_page

bp = Blueprint("staff_leads", __name__, url_prefix="/staff/leads")
# Room around the file in the multipart body (boundaries, headers, CSRF token) and for
# Werkzeug's 64 KiB chunks, which count against the form-memory limit.
UPLOAD_FORM_MEMORY = 2 * 64 * 1024
CSV_COLUMNS = ["Lead", "Company", "Country", "Region", "Industry", "Source", "Status",
               "Partner", "Created", "Why this partner"]  # fmt: skip


def allow_a_lead_file() -> None:
    """Staff may send a lead file of IMPORT_BYTES; everyone else keeps the form limits."""
    if request.endpoint != "staff_leads.upload" or not current_user.is_authenticated:
        return
    if current_user.is_staff and request.max_form_memory_size is not None:
        request.max_form_memory_size = max(request.max_form_memory_size, UPLOAD_FORM_MEMORY)


def init_upload_limits(app: Flask) -> None:
    app.before_request(allow_a_lead_file)


def _filters() -> tuple[StaffFilter, dict]:
    form = StaffFilter(formdata=request.args)
    form.set_partners(queries.active_partners())
    form.validate()
    applied = form.applied("status", "partner", "age", "before")
    return form, applied


def _listed(applied: dict) -> list[Lead]:
    return queries.staff_leads(
        utcnow(), status=applied.get("status"), partner_id=parse_id(applied.get("partner")),
        age=applied.get("age"), before=parse_id(applied.get("before")),
    )  # fmt: skip


@bp.get("")
@staff_required
def index():
    """Every lead, newest first, by status, partner and age."""
    form, applied = _filters()
    before = parse_id(applied.get("before"))
    found = queries.staff_leads(
        utcnow(), status=applied.get("status"), partner_id=parse_id(applied.get("partner")),
        age=applied.get("age"), before=before, limit=queries.STAFF_PAGE + 1,
    )  # fmt: skip
    page = cut_page(found, queries.STAFF_PAGE, cursor_of=lambda lead: lead.id, after=before)
    filters = {k: v for k, v in applied.items() if k != "before"}
    return render_page("leads/staff_index.html", "lead_table", form.status_code, page=page,
                       filters=filters,
                       filter=form, applied=applied, import_form=ImportForm())  # fmt: skip


@bp.get("/leads.csv")
@staff_required
def export():
    """The filtered list as CSV (formula-guarded); the export is on record."""
    _form, applied = _filters()
    record_audit(current_user, "leads.exported", "lead", "csv", after=applied)
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for lead in _listed(applied):
        writer.writerow(guard_cell(str(v)) for v in (
            lead.id, lead.company, lead.country, lead.region, lead.industry, lead.source,
            lead.status_name, lead.partner.name if lead.partner else "",
            f"{lead.created_at:%Y-%m-%d}", lead.routing_reason or lead.conflict_reason,
        ))  # fmt: skip
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=leads-{utcnow():%Y%m%d}.csv"
    return response


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Enter a lead by hand; it is checked for conflict and routed on save."""
    program = current_content().program
    form = LeadForm()
    form.set_program(program)
    if form.validate_on_submit():
        data, problems = intake.clean(form.lead_input(), program.leads, program.regions)
        if not problems:
            now = utcnow()
            lead = service.create_lead(data, LeadSource.STAFF, current_user, now)
            service.route_lead(lead, program, now, current_user)
            db.session.commit()
            flash(f"Lead saved: {lead.status_name}.", "success")
            return redirect(url_for("staff_leads.detail", lead_id=lead.id))
        form.form_errors.extend(p.capitalize() + "." for p in problems)
    status = 422 if form.errors or form.form_errors else 200
    return render_page("leads/staff_new.html", "lead_form", status, form=form)


@bp.post("/import")
@accepts(files=("file",))
@staff_required
def upload():
    """Import leads from CSV: good rows are created and routed, bad rows listed by line."""
    form = ImportForm()
    if not form.validate_on_submit():
        flash("Choose a .csv file to upload.", "error")
        return redirect(url_for("staff_leads.index"))
    data = form.file.data.read(IMPORT_BYTES + 1)
    if len(data) > IMPORT_BYTES:
        flash(f"The file is larger than {IMPORT_BYTES // 1000} kB; split it.", "error")
        return redirect(url_for("staff_leads.index"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        flash("The file is not CSV text (UTF-8); save it as CSV UTF-8 and upload it again.",
              "error")  # fmt: skip
        return redirect(url_for("staff_leads.index"))
    result = import_leads_csv(text, current_user, current_content().program, utcnow())
    db.session.commit()
    flash(f"Imported {result.created} leads ({result.routed} routed); "
          f"{len(result.problems)} lines refused.", "success")  # fmt: skip
    for problem in result.problems[:20]:
        flash(problem, "error")
    return redirect(url_for("staff_leads.index"))


def _lead_or_404(lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        abort(404)
    return lead


def _detail(lead: Lead, status: int = 200, assign_form: AssignForm | None = None):
    if assign_form is None:
        assign_form = AssignForm()
    assign_form.set_partners(queries.active_partners())
    return render_page(
        "leads/staff_detail.html", "lead_routing", status, lead=lead,
        country=country_name(lead.country), offers=queries.offers_of(lead.id),
        route_form=RouteForm(), assign_form=assign_form, routable=lead.status in service.ROUTABLE,
    )  # fmt: skip


@bp.get("/<id:lead_id>")
@staff_required
def detail(lead_id: int):
    """One lead: its details, the routing history and why each partner was chosen."""
    return _detail(_lead_or_404(lead_id))


@bp.post("/<id:lead_id>/route")
@staff_required
def route(lead_id: int):
    """Route the lead by the rules (again), optionally past a conflict staff have checked."""
    lead = _lead_or_404(lead_id)
    form = RouteForm()
    if not form.validate_on_submit() or lead.status not in service.ROUTABLE:
        flash("This lead cannot be routed now.", "error")
        return redirect(url_for("staff_leads.detail", lead_id=lead.id))
    service.route_lead(lead, current_content().program, utcnow(), current_user,
                       override_conflict=bool(form.override_conflict.data))  # fmt: skip
    db.session.commit()
    flash(f"Lead routed: {lead.status_name}.", "success")
    return redirect(url_for("staff_leads.detail", lead_id=lead.id))


@bp.post("/<id:lead_id>/assign")
@staff_required
def assign(lead_id: int):
    """Offer the lead to a partner staff choose."""
    lead = _lead_or_404(lead_id)
    form = AssignForm()
    form.set_partners(queries.active_partners())
    org_id = form.chosen() if form.validate_on_submit() else None
    if org_id is None:
        return _detail(lead, 422, form)
    try:
        service.assign_by_hand(lead, org_id, current_content().program, current_user, utcnow())
    except service.LeadError as refused:
        form.organization_id.errors = [str(refused).capitalize() + "."]
        return _detail(lead, 422, form)
    db.session.commit()
    flash(f"Lead offered to {lead.partner.name if lead.partner else 'the partner'}.", "success")
    return redirect(url_for("staff_leads.detail", lead_id=lead.id))


__all__ = ["LeadStatus", "bp", "init_upload_limits"]
