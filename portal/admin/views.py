"""Admin views: the audit log, staff accounts, deactivating people, suspending organisations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts import api as accounts
from portal.accounts.access import admin_required
from portal.accounts.models import Organization, User
from portal.admin import service
from portal.admin.forms import AuditFilterForm
from portal.extensions import db
from portal.http import render_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = service.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _refused(org: Organization, refused: Exception):
    """Back to the organisation with the lifecycle's reason; nothing was changed."""
    target = url_for("staff.org", org_id=org.id)
    db.session.rollback()
    flash(str(refused), "error")
    return redirect(target)


def _back_to(user: User):
    if user.organization_id is not None:
        return redirect(url_for("staff.org", org_id=user.organization_id))
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_required
def audit():
    """The audit log, newest first, filtered by action and organisation."""
    form = AuditFilterForm(formdata=request.args)
    form.set_actions(service.audit_actions())
    form.validate()
    filters = form.applied("action", "org")
    page = service.audit_log(
        action=filters.get("action"),
        organization_id=filters.get("org"),
        before=form.value("before"),
    )
    organization = db.session.get(Organization, filters["org"]) if "org" in filters else None
    return render_page(
        "admin/audit.html",
        "results",
        status=form.status_code,
        form=form,
        page=page,
        filters=filters,
        organization=organization,
    )


@bp.get("/users")
@admin_required
def users():
    """Staff and admin accounts, with deactivation controls."""
    return render_template("admin/users.html", accounts=service.staff_accounts())


@bp.post("/users/<id:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int):
    """Deactivate a user; their sessions end at once."""
    user = _user_or_404(user_id)
    try:
        changed = accounts.deactivate_user(current_user, user)
    except accounts.AccountError as refused:
        flash(str(refused), "error")
        return _back_to(user)
    db.session.commit()
    flash(f"{user.email} was deactivated." if changed else f"{user.email} was already inactive.")
    return _back_to(user)


@bp.post("/users/<id:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int):
    """Let a deactivated user sign in again."""
    user = _user_or_404(user_id)
    changed = accounts.reactivate_user(current_user, user)
    db.session.commit()
    flash(f"{user.email} can sign in again." if changed else f"{user.email} was already active.")
    return _back_to(user)


@bp.post("/orgs/<id:org_id>/suspend")
@admin_required
def suspend_org(org_id: int):
    """Suspend an organisation: its people are signed out and cannot sign in."""
    org = db.get_or_404(Organization, org_id)
    try:
        changed = accounts.suspend_organization(org, current_user)
    except accounts.TransitionRefused as refused:
        return _refused(org, refused)
    db.session.commit()
    flash(f"{org.name} was suspended." if changed else f"{org.name} was already suspended.")
    return redirect(url_for("staff.org", org_id=org.id))


@bp.post("/orgs/<id:org_id>/reinstate")
@admin_required
def reinstate_org(org_id: int):
    """Lift an organisation's suspension."""
    org = db.get_or_404(Organization, org_id)
    try:
        changed = accounts.reinstate_organization(org, current_user)
    except accounts.TransitionRefused as refused:
        return _refused(org, refused)
    db.session.commit()
    flash(f"{org.name} was reinstated." if changed else f"{org.name} was not suspended.")
    return redirect(url_for("staff.org", org_id=org.id))
