"""Staff views: partner organisations, creating one, inviting its people, its tier."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts import api as accounts
from portal.accounts.access import staff_required
from portal.accounts.models import Organization
from portal.comarketing.api import event_title, org_history
from portal.compliance.api import acceptance_history, agreement_state, document_states
from portal.content.model import ContentIndex
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page
from portal.learning.api import certifications_for_org
from portal.onboarding.api import checklist_for
from portal.staff import service
from portal.staff.attention import attention_flags
from portal.staff.forms import (
    MeetingForm,
    OrganizationFilterForm,
    OrganizationForm,
    RegionForm,
    StaffInviteForm,
    TierForm,
)
from portal.staff.meetings import MeetingRefused, log_meeting, recent_meetings

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The list's query-string filters and sort, kept in its links.
FILTERS = ("status", "type", "tier", "region", "flag", "sort", "dir")


@bp.get("/orgs")
@staff_required
def orgs():
    """Partner organisations: filtered, sorted by any column, with attention flags."""
    program = current_content().program
    form = OrganizationFilterForm(formdata=request.args)
    form.set_program(program, attention_flags())
    valid = form.validate()
    chosen = {name: getattr(form, name).data for name in FILTERS} if valid else {}
    page = service.list_organizations(
        status=chosen.get("status") or None,
        partner_type=chosen.get("type") or None,
        page=(form.page.data or 1) if valid else 1,
        tier=chosen.get("tier") or None,
        region=chosen.get("region") or None,
        flag=chosen.get("flag") or None,
        sort=chosen.get("sort") or "created",
        direction=chosen.get("dir") or None,
        tier_order=tuple(t.id for t in sorted(program.tiers, key=lambda t: t.rank)),
    )
    filters = {key: value for key, value in chosen.items() if value and value != "created"}
    return render_page(
        "staff/orgs.html",
        "results",
        status=form.status_code,
        form=form,
        page=page,
        program=program,
        filters=filters,
        sorts=service.SORTS,
    )


@bp.route("/orgs/new", methods=["GET", "POST"])
@staff_required
def org_new():
    """Create a partner organisation and invite its first partner admin."""
    program = current_content().program
    form = OrganizationForm()
    form.set_program(program)
    if form.validate_on_submit():
        try:
            org, first_invite = service.create_organization(
                current_user,
                program,
                name=field_text(form.name),
                website=field_text(form.website),
                partner_type=form.partner_type.data,
                tier=form.tier.data,
                region=form.region.data or None,
                admin_email=field_text(form.admin_email),
            )
        except service.InviteRefused as refused:
            form.admin_email.errors = [*form.admin_email.errors, str(refused)]
        else:
            db.session.commit()
            flash(
                f"{org.name} was created and an invitation sent to {first_invite.email}.", "success"
            )
            return redirect(url_for("staff.org", org_id=org.id))
    status = 422 if form.errors else 200
    return render_template("staff/org_new.html", form=form), status


def _org_page(org: Organization, status: int = 200, **forms: Any):
    content = current_content()
    invite_form = forms.get("invite_form") or StaffInviteForm(formdata=None)
    tier_form = forms.get("tier_form") or TierForm(formdata=None, tier=org.tier)
    tier_form.set_program(content.program)
    region_form = forms.get("region_form") or RegionForm(formdata=None, region=org.region or "")
    region_form.set_program(content.program)
    context = {
        "org": org,
        "detail": service.organization_detail(org),
        "program": content.program,
        "checklist": checklist_for(org, content),
        "certifications": certifications_for_org(org.id),
        "invite_form": invite_form,
        "tier_form": tier_form,
        "region_form": region_form,
        "meetings": recent_meetings(org.id),
        "comarketing_history": org_history(org.id),
        "comarketing_event_title": event_title,
        "meeting_form": forms.get("meeting_form") or MeetingForm(formdata=None),
        "agreement": _agreement(org, content),
        "compliance_documents": document_states(org, content.program.compliance),
    }
    return render_template("staff/org.html", **context), status


def _agreement(org: Organization, content: ContentIndex) -> dict[str, Any] | None:
    """The organisation's standing with the partner agreement and who accepted each version."""
    terms = content.program.agreement
    if terms is None:
        return None
    return {
        "terms": terms,
        "state": agreement_state(org.id, terms, utcnow().date()),
        "history": acceptance_history(org.id),
    }


@bp.get("/orgs/<id:org_id>", endpoint="org")
@staff_required
def organization(org_id: int):
    """One organisation: details, people, invitations, onboarding and certifications."""
    return _org_page(db.get_or_404(Organization, org_id))


@bp.post("/orgs/<id:org_id>/invites")
@staff_required
def invite(org_id: int):
    """Invite another partner user or admin into the organisation."""
    org = db.get_or_404(Organization, org_id)
    form = StaffInviteForm()
    if form.validate_on_submit():
        try:
            sent = service.invite_person(current_user, org, field_text(form.email), form.role.data)
        except service.InviteRefused as refused:
            form.email.errors = [*form.email.errors, str(refused)]
        else:
            db.session.commit()
            flash(f"An invitation was sent to {sent.email}.", "success")
            return redirect(url_for("staff.org", org_id=org.id))
    return _org_page(org, status=422, invite_form=form)


@bp.post("/orgs/<id:org_id>/tier")
@staff_required
def change_tier(org_id: int):
    """Move the organisation to another tier of the program."""
    org = db.get_or_404(Organization, org_id)
    program = current_content().program
    form = TierForm()
    form.set_program(program)
    if form.validate_on_submit():
        if accounts.change_tier(current_user, org, form.tier.data, program):
            db.session.commit()
            tier = program.tier_name(org.tier)
            flash(f"{org.name} is now on the {tier} tier.", "success")
        else:
            flash(f"{org.name} is already on that tier.")
        return redirect(url_for("staff.org", org_id=org.id))
    return _org_page(org, status=422, tier_form=form)


@bp.post("/orgs/<id:org_id>/region")
@staff_required
def change_region(org_id: int):
    """Set the organisation's region (one of the program's, or none)."""
    org = db.get_or_404(Organization, org_id)
    program = current_content().program
    form = RegionForm()
    form.set_program(program)
    if form.validate_on_submit():
        region = form.region.data or None
        where = f"in {region}" if region else "without a region"
        if accounts.change_region(current_user, org, region, program):
            db.session.commit()
            flash(f"{org.name} is now {where}.", "success")
        else:
            flash(f"{org.name} is already {where}.")
        return redirect(url_for("staff.org", org_id=org.id))
    return _org_page(org, status=422, region_form=form)


@bp.post("/orgs/<id:org_id>/meetings")
@staff_required
def log_meeting_view(org_id: int):
    """Log a meeting, call, QBR or joint-plan review held with the organisation."""
    org = db.get_or_404(Organization, org_id)
    form = MeetingForm()
    # A DateField that validates holds a date; the check is for mypy's sake.
    if form.validate_on_submit() and form.held_on.data is not None:
        try:
            meeting = log_meeting(
                current_user, org, form.held_on.data, form.kind.data or "", form.note.data or ""
            )
        except MeetingRefused as refused:
            form.held_on.errors = [*form.held_on.errors, str(refused)]
        else:
            db.session.commit()
            flash(f"{meeting.kind_name} on {meeting.held_on:%d %b %Y} logged.", "success")
            return redirect(url_for("staff.org", org_id=org.id, _anchor="meetings"))
    return _org_page(org, status=422, meeting_form=form)
