"""Onboarding views: the partner's checklist, ticking a step, staff marking a step."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from jinja2_fragments.flask import render_block

from portal.accounts.access import partner_required, staff_required
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.extensions import db
from portal.onboarding import service
from portal.onboarding.forms import AcknowledgeStepForm, StaffStepForm
from portal.onboarding.service import StepKindError, UnknownStepError

bp = Blueprint("onboarding", __name__)

PAGE = "onboarding/checklist.html"


@bp.get("/onboarding")
@partner_required
def checklist():
    """The organisation's checklist for its partner type, with progress."""
    content = current_content()
    org = current_user.organization
    return render_template(
        PAGE, org=org, state=service.checklist_for(org, content), content=content
    )


@bp.post("/onboarding/steps/<step_id>")
@partner_required
def acknowledge(step_id: str):
    """Tick an `acknowledge` step: the step and progress for htmx, else back to the list."""
    if not AcknowledgeStepForm().validate_on_submit():
        abort(400, description="The form expired. Reload the page and try again.")
    content = current_content()
    org = current_user.organization
    try:
        state = service.acknowledge_step(org, step_id, current_user, content)
    except UnknownStepError as exc:
        abort(404, description=str(exc))
    except StepKindError as exc:
        abort(400, description=str(exc))
    db.session.commit()
    step_state = state.step_state(step_id)
    if step_state is None:  # not reached: acknowledge_step refused a step not in the checklist
        abort(404)
    if request.htmx:
        context = {"org": org, "state": state, "content": content}
        step_html = render_template("onboarding/_step.html", s=step_state, focus=True, **context)
        return step_html + render_block(PAGE, "progress", oob=True, **context)
    flash(f"“{step_state.step.title}” is done.", "success")
    return redirect(url_for(".checklist"))


@bp.post("/staff/orgs/<id:org_id>/steps/<step_id>")
@staff_required
def mark_staff_step(org_id: int, step_id: str):
    """Mark or un-mark a staff-verified step of an organisation."""
    org = db.get_or_404(Organization, org_id)
    form = StaffStepForm()
    if not form.validate_on_submit():
        abort(400, description="Choose whether the step is done.")
    content = current_content()
    try:
        state = service.mark_staff_step(org, step_id, current_user, content, done=form.marks_done)
    except UnknownStepError as exc:
        abort(404, description=str(exc))
    except StepKindError as exc:
        abort(400, description=str(exc))
    db.session.commit()
    if request.htmx:
        return render_template("onboarding/_staff_steps.html", org=org, checklist=state)
    step_state = state.step_state(step_id)
    if step_state is None:  # not reached: mark_staff_step refused a step not in the checklist
        abort(404)
    title = step_state.step.title
    flash(f"“{title}” marked {'done' if form.marks_done else 'not done'}.", "success")
    return redirect(url_for("staff.org", org_id=org.id))
