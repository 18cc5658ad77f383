"""Co-marketing approvals, the partner team's side: the review queue and one piece's review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import staff_required
from portal.comarketing import csv_export, listing, service
from portal.comarketing.forms import DecisionForm, QueueFilterForm
from portal.comarketing.models import ComarketingPiece, DecisionKind, PieceStatus
from portal.comarketing.presentation import page_helpers
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import render_page

bp = Blueprint("comarketing_staff", __name__, url_prefix="/staff/approvals")

DONE = {
    DecisionKind.APPROVED: "Approved: {title} ({reference}). The partner was e-mailed.",
    DecisionKind.CHANGES_REQUESTED: "Changes requested on {title}. The partner was e-mailed.",
    DecisionKind.REJECTED: "Rejected: {title}. The partner was e-mailed.",
}


@bp.get("", endpoint="queue")
@staff_required
def queue():
    """Pieces awaiting review, soonest due first; or those in another state."""
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    applied = form.applied("status", "after")
    status = applied.get("status") or PieceStatus.SUBMITTED.value
    after = listing.read_queue_cursor(applied.get("after"))
    page = listing.queue_page(status, after)
    next_url = (
        url_for(
            "comarketing_staff.queue",
            status=status,
            after=listing.write_queue_cursor(page.next_cursor),
        )
        if page.next_cursor is not None
        else ""
    )
    return render_page(
        "comarketing/queue.html",
        "results",
        status=form.status_code,
        form=form,
        page=page,
        chosen=status,
        next_url=next_url,
        **page_helpers(),
    )


@bp.get("/export.csv", endpoint="export")
@staff_required
def export():
    """The pieces in the chosen state as CSV (formula-guarded)."""
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    status = form.applied("status").get("status") or PieceStatus.SUBMITTED.value
    return csv_export.response(csv_export.queue_lines(status), f"co-marketing-{status}")


def _review_page(piece: ComarketingPiece, status: int = 200, form: DecisionForm | None = None):
    return render_template(
        "comarketing/review.html",
        piece=piece,
        timeline=listing.timeline_of(piece),
        form=form or DecisionForm(formdata=None),
        **page_helpers(),
    ), status


@bp.get("/<id:piece_id>", endpoint="review")
@staff_required
def review(piece_id: int):
    """One piece for review: details, every version, the timeline and the decision form."""
    return _review_page(db.get_or_404(ComarketingPiece, piece_id))


@bp.post("/<id:piece_id>/decision", endpoint="decide")
@staff_required
def decide(piece_id: int):
    """Approve, request changes or reject the latest version."""
    form = DecisionForm()
    if not form.validate_on_submit():
        return _review_page(db.get_or_404(ComarketingPiece, piece_id), 422, form)
    piece = service.lock_piece(piece_id)
    if piece is None:
        abort(404)
    kind = DecisionKind(form.decision.data)
    try:
        service.decide(piece, current_user, kind, field_text(form.comment).strip())
    except service.DecisionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("comarketing_staff.review", piece_id=piece_id))
    db.session.commit()
    flash(DONE[kind].format(title=piece.title, reference=piece.approval_reference or ""), "success")
    return redirect(url_for("comarketing_staff.review", piece_id=piece_id))
