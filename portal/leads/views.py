"""The partner's leads: offers to accept or decline, opportunities to move on, preferences.

Every look-up goes through queries.lead_for_partner (scoped to the partner's organisation):
another organisation's lead, or one this partner declined or let lapse, is simply not found.
Contact details appear only once the partner has accepted the lead.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from portal.accounts.access import partner_admin_required, partner_required
from portal.audit.service import record_audit
from portal.content.countries import country_name
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.http import render_page
from portal.leads import queries, service
from portal.leads.forms import AcceptForm, DeclineForm, IndustriesForm, StageForm
from portal.leads.models import OPEN_STAGES, Lead, LeadStatus
from portal.referrals.api import clock, describe

bp = Blueprint("leads", __name__, url_prefix="/leads")


def _lead_or_404(lead_id: int) -> Lead:
    lead = queries.lead_for_partner(current_user, lead_id)
    if lead is None:
        abort(404)
    return lead


@bp.get("")
@partner_required
def index():
    """Leads offered to the organisation and its lead opportunities."""
    program = current_content().program
    form = IndustriesForm(data={"industries": queries.industries_of(current_user.organization_id)})
    form.set_program(program)
    return _index_page(form)


def _index_page(form: IndustriesForm, status: int = 200):
    now = utcnow()
    leads = queries.partner_leads(current_user)
    due = {
        lead.id: describe(clock(lead.accept_due_at, now))
        for lead in leads
        if lead.status == LeadStatus.OFFERED and lead.accept_due_at is not None
    }
    return render_page("leads/index.html", "lead_list", status, leads=leads, due=due,
                       industries_form=form)  # fmt: skip


@bp.post("/industries")
@partner_admin_required
def industries():
    """Save the industries the organisation takes leads in."""
    program = current_content().program
    form = IndustriesForm()
    form.set_program(program)
    if not form.validate_on_submit():
        return _index_page(form, 422)
    chosen = sorted(set(form.industries.data or []))
    org_id = current_user.organization_id
    queries.set_industries(org_id, chosen)
    record_audit(current_user, "lead.industries_changed", "organization", org_id, org_id,
                 after={"industries": chosen})  # fmt: skip
    db.session.commit()
    flash("Your lead industries are saved.", "success")
    return redirect(url_for("leads.index"))


def _detail(lead: Lead, status: int = 200, **forms: object):
    now = utcnow()
    return render_page(
        "leads/detail.html", "lead_actions", status, lead=lead,
        country=country_name(lead.country),
        due=describe(clock(lead.accept_due_at, now)) if lead.accept_due_at else "",
        contact_visible=lead.status != LeadStatus.OFFERED,
        is_open=lead.status in OPEN_STAGES,
        accept_form=forms.get("accept_form") or AcceptForm(),
        decline_form=forms.get("decline_form") or DeclineForm(),
        stage_form=forms.get("stage_form") or StageForm(),
    )  # fmt: skip


@bp.get("/<id:lead_id>")
@partner_required
def detail(lead_id: int):
    """One lead: what the prospect needs, the answer due, or the opportunity's stage."""
    return _detail(_lead_or_404(lead_id))


@bp.post("/<id:lead_id>/accept")
@partner_required
def accept(lead_id: int):
    """Take the lead: it becomes the organisation's opportunity."""
    lead = _lead_or_404(lead_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _detail(lead, 422, accept_form=form)
    try:
        service.accept(lead, current_user, utcnow())
    except service.LeadError as refused:
        flash(str(refused).capitalize() + ".", "error")
        return redirect(url_for("leads.detail", lead_id=lead.id))
    db.session.commit()
    flash("Lead accepted: the contact details are below.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.post("/<id:lead_id>/decline")
@partner_required
def decline(lead_id: int):
    """Decline the lead with a reason; it goes to another partner."""
    lead = _lead_or_404(lead_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _detail(lead, 422, decline_form=form)
    try:
        service.decline(lead, current_user, form.reason.data or "", current_content().program,
                        utcnow())  # fmt: skip
    except service.LeadError as refused:
        flash(str(refused).capitalize() + ".", "error")
        return redirect(url_for("leads.detail", lead_id=lead.id))
    db.session.commit()
    flash(f"You declined the lead from {lead.company}.", "success")
    return redirect(url_for("leads.index"))


@bp.post("/<id:lead_id>/stage")
@partner_required
def stage(lead_id: int):
    """Move the opportunity to a later stage (lost needs a reason)."""
    lead = _lead_or_404(lead_id)
    form = StageForm()
    if not form.validate_on_submit():
        return _detail(lead, 422, stage_form=form)
    try:
        service.advance(lead, current_user, form.stage.data or "", form.lost_reason.data or "",
                        utcnow())  # fmt: skip
    except service.LeadError as refused:
        form.stage.errors = [str(refused).capitalize() + "."]
        return _detail(lead, 422, stage_form=form)
    db.session.commit()
    flash(f"{lead.company} is now at {lead.status_name}.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))
