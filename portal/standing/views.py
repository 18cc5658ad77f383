"""Staff views: the tier review queue, an organisation's standing, recording attested facts.

The organisation page (portal/staff) shows a tier standing section through the
`tier_standing` template global registered here: the staff feature never imports this layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.extensions import db
from portal.standing import decisions
from portal.standing.forms import AttestedFactForm, ReviewDecisionForm
from portal.standing.models import TierReview
from portal.standing.pages import OrgStanding, org_records, org_standing, review_queue
from portal.standing.wording import progress_text

bp = Blueprint("standing", __name__)


@bp.app_template_filter("criterion_progress")
def criterion_progress(result: Any) -> str:
    """A criterion result in words, in the program's currency."""
    return progress_text(result, current_content().program.currency)


@bp.get("/staff/tiers")
@staff_required
def reviews():
    """Tier changes waiting for a decision, and organisations in a grace period."""
    return _queue_page()


def _queue_page(status: int = 200, errors: dict[int, str] | None = None, **kept: Any):
    return render_template(
        "standing/reviews.html",
        queue=review_queue(),
        program=current_content().program,
        errors=errors or {},
        kept=kept,
    ), status


def _locked_review(review_id: int) -> TierReview:
    review = db.session.scalar(
        sa.select(TierReview).where(TierReview.id == review_id).with_for_update()
    )
    if review is None:
        abort(404)
    return review


def _decide(review_id: int, approve: bool):
    review = _locked_review(review_id)
    program = current_content().program
    form = ReviewDecisionForm()
    if not form.validate_on_submit():
        message = "; ".join(form.reason.errors) or "Send the form on the page."
        return _queue_page(422, {review.id: message}, reason=form.reason.data or "")
    decide = decisions.approve_review if approve else decisions.decline_review
    try:
        decide(review, current_user, form.reason.data, program)
    except decisions.DecisionRefused as refused:
        db.session.rollback()
        return _queue_page(422, {review_id: refused.message}, reason=form.reason.data or "")
    db.session.commit()
    verb = "approved" if approve else "declined"
    flash(f"The move of {review.organization.name} to "
          f"{_tier_name(program, review.to_tier)} was {verb}.", "success")  # fmt: skip
    return redirect(url_for("standing.reviews"))


def _tier_name(program: Any, tier_id: str) -> str:
    tier = program.tier(tier_id)
    return tier.name if tier is not None else tier_id


@bp.post("/staff/tiers/reviews/<id:review_id>/approve")
@staff_required
def approve(review_id: int):
    """Approve a tier review: the organisation moves to the proposed tier."""
    return _decide(review_id, approve=True)


@bp.post("/staff/tiers/reviews/<id:review_id>/decline")
@staff_required
def decline(review_id: int):
    """Decline a tier review: the organisation keeps its tier."""
    return _decide(review_id, approve=False)


@bp.get("/staff/orgs/<id:org_id>/standing")
@staff_required
def organization(org_id: int):
    """One organisation's standing on every tier, its recorded facts and tier history."""
    return _org_page(db.get_or_404(Organization, org_id))


def _org_page(org: Organization, status: int = 200, form: AttestedFactForm | None = None):
    program = current_content().program
    if form is None:
        form = AttestedFactForm(formdata=None)
    form.set_program(program)
    return render_template(
        "standing/organization.html",
        org=org,
        program=program,
        view=org_standing(org, program),
        records=org_records(org),
        fact_form=form,
    ), status


@bp.post("/staff/orgs/<id:org_id>/facts")
@staff_required
def record_fact(org_id: int):
    """Record an attested fact (a QBR held, a plan agreed) for the organisation."""
    org = db.get_or_404(Organization, org_id)
    program = current_content().program
    form = AttestedFactForm()
    form.set_program(program)
    if form.validate_on_submit():
        try:
            decisions.record_fact(
                org, current_user, form.fact.data, form.attested_on.data, form.note.data, program
            )
        except decisions.DecisionRefused as refused:
            db.session.rollback()
            field = getattr(form, refused.field or "", None)
            (field.errors if field is not None else form.form_errors).append(refused.message)
        else:
            db.session.commit()
            fact = program.attested_fact(form.fact.data)
            flash(f"Recorded for {org.name}: {fact.name if fact else form.fact.data}.", "success")
            return redirect(url_for("standing.organization", org_id=org.id))
    return _org_page(org, 422, form)


@dataclass(frozen=True)
class StandingPanel:
    """What the organisation page's tier standing section shows."""

    view: OrgStanding
    fact_form: AttestedFactForm


def tier_standing(org: Organization) -> StandingPanel:
    """The organisation page's tier standing section (a template global: the page includes
    standing/_panel.html with it, so portal/staff never imports this layer)."""
    program = current_content().program
    form = AttestedFactForm(formdata=None)
    form.set_program(program)
    return StandingPanel(org_standing(org, program), form)
