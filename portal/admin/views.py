"""Admin views: the audit log, staff accounts, deactivating people, suspending organisations."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from htmx_flask import request

from portal.accounts import api as accounts
from portal.accounts.access import admin_required
from portal.accounts.models import Organization, User
from portal.admin import audit_log, service
from portal.admin.forms import AuditFilterForm
from portal.audit.service import record_audit
from portal.content_runtime import current_content
from portal.database import writes_database
from portal.db_types import utcnow
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
    """The audit log in words, newest first, filtered by action, who, organisation and days."""
    form = _audit_form()
    filters = form.filters()
    page = audit_log.audit_log(filters, current_content().program, before=form.value("before"))
    organization = (
        db.session.get(Organization, filters.organization_id)
        if filters.organization_id is not None
        else None
    )
    return render_page(
        "admin/audit.html",
        "results",
        status=form.status_code,
        form=form,
        page=page,
        filters=form.link_args(),
        organization=organization,
    )


@bp.get("/audit/export.csv")
@writes_database
@admin_required
def audit_export():
    """The filtered audit log as CSV (formula-guarded, bounded), streamed newest first."""
    form = _audit_form()
    if form.errors:
        return audit()
    filters = form.filters()
    # Who took a copy of the log, and of which part, is itself on record.
    record_audit(current_user, "audit.exported", "audit_log", "csv", after=form.link_args())
    db.session.commit()
    lines = audit_log.audit_csv(filters, current_content().program)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=audit-{utcnow():%Y%m%d}.csv"
    return response


def _audit_form() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.set_actions(audit_log.audit_actions())
    form.validate()
    return form


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
