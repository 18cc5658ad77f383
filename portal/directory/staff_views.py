"""Staff's side of the directory: profile changes waiting for approval, each as a diff."""

from __future__ import annotations

from difflib import ndiff
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.content_runtime import current_content
from portal.directory import logos, profiles
from portal.directory.forms import ApproveForm, RejectForm
from portal.directory.models import ChangeStatus, DirectoryProfileChange
from portal.extensions import db
from portal.form_fields import field_text

bp = Blueprint("directory_staff", __name__, url_prefix="/staff/directory")
QUEUE_MAX = 200


@bp.get("")
@staff_required
def queue() -> str:
    """Profile changes waiting for a decision, oldest first."""
    changes = list(
        db.session.scalars(
            sa.select(DirectoryProfileChange)
            .where(DirectoryProfileChange.status == ChangeStatus.PENDING)
            .order_by(DirectoryProfileChange.submitted_at, DirectoryProfileChange.id)
            .options(sa.orm.joinedload(DirectoryProfileChange.organization))
            .limit(QUEUE_MAX)
        )
    )
    return render_template("directory/queue.html", changes=changes)


def _change(change_id: int) -> DirectoryProfileChange:
    change = db.session.get(DirectoryProfileChange, change_id)
    if change is None:
        abort(404)
    return change


def _change_page(
    change: DirectoryProfileChange, status: int = 200, **forms: Any
) -> tuple[str, int]:
    program = current_content().program
    profile = profiles.profile_of(change.organization_id)
    changes = profiles.diff(profile, change, program)
    before = profiles.published_values(profile)["description"]
    description_lines = [
        line
        for line in ndiff(
            before.splitlines(), str(change.proposed.get("description", "")).splitlines()
        )
        if not line.startswith("?")
    ]
    return render_template(
        "directory/change.html",
        change=change,
        changes=changes,
        description_lines=description_lines,
        approve_form=forms.get("approve_form") or ApproveForm(),
        reject_form=forms.get("reject_form") or RejectForm(),
        published_logo=bool(profile and profile.logo_key),
        ChangeStatus=ChangeStatus,
    ), status


@bp.get("/<id:change_id>")
@staff_required
def change(change_id: int) -> tuple[str, int]:
    """One change: what it alters, before and after, with approve and reject."""
    return _change_page(_change(change_id))


@bp.post("/<id:change_id>/approve")
@staff_required
def approve(change_id: int) -> Any:
    """Publish the change."""
    form = ApproveForm()
    if not form.validate_on_submit():
        return _change_page(_change(change_id), 422, approve_form=form)
    change = profiles.lock_change(change_id)
    if change is None:
        abort(404)
    try:
        profiles.approve(change, current_user, current_content().program)
    except profiles.ChangeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("directory_staff.change", change_id=change_id))
    db.session.commit()
    flash(f"{change.organization.name}'s profile is live.", "success")
    return redirect(url_for("directory_staff.queue"))


@bp.post("/<id:change_id>/reject")
@staff_required
def reject(change_id: int) -> Any:
    """Turn the change down with a reason for the partner."""
    form = RejectForm()
    if not form.validate_on_submit():
        return _change_page(_change(change_id), 422, reject_form=form)
    change = profiles.lock_change(change_id)
    if change is None:
        abort(404)
    try:
        profiles.reject(change, current_user, field_text(form.reason).strip())
    except profiles.ChangeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("directory_staff.change", change_id=change_id))
    db.session.commit()
    flash(f"The change was sent back to {change.organization.name}.", "success")
    return redirect(url_for("directory_staff.queue"))


@bp.get("/<id:change_id>/logo/<which>")
@staff_required
def change_logo(change_id: int, which: str) -> Response:
    """The logo as published (`now`) or as proposed (`proposed`), for the diff."""
    change = _change(change_id)
    if which == "proposed":
        key = change.proposed.get("logo_key")
    elif which == "now":
        key = profiles.published_values(profiles.profile_of(change.organization_id))["logo_key"]
    else:
        abort(404)
    data = logos.read_logo(key) if isinstance(key, str) and key else None
    if data is None:
        abort(404)
    return logos.logo_response(data, cache_seconds=0)
