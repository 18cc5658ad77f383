"""The partner admin's side of the directory: the profile sent for approval, contact messages.

Every page reads the signed-in admin's own organisation; a contact message of another
organisation is a 404.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portal.accounts.access import partner_admin_required
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.csv_cells import guard_cell
from portal.directory import contact, logos, profiles
from portal.directory.forms import ProfileForm, WithdrawForm
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import accepts
from portal.ids import parse_id
from portal.kits import api as kits

bp = Blueprint("directory_partner", __name__, url_prefix="/directory")

# Werkzeug reads a multipart body in chunks of this size and refuses a chunk larger than the
# form-memory limit, file data included: a logo of more than one chunk needs room for two.
MULTIPART_CHUNK_BYTES = 64 * 1024
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def allow_a_logo() -> None:
    """Partner admins may send a logo (LOGO_MAX_BYTES) on the profile form, nothing larger.

    An app-wide before-request hook that runs before the CSRF check reads the body, so the
    size is judged from Content-Length before a byte of the file is read.
    """
    if request.endpoint != "directory_partner.edit" or request.method != "POST":
        return
    if not (current_user.is_authenticated and current_user.is_partner_admin):
        return
    request.max_content_length = logos.LOGO_MAX_BYTES + UPLOAD_OVERHEAD_BYTES
    form_limit = request.max_form_memory_size
    if form_limit is not None:
        request.max_form_memory_size = max(form_limit, 2 * MULTIPART_CHUNK_BYTES)


def _org() -> Organization:
    org = current_user.organization
    if org is None:
        abort(403)
    return org


def _form_values(form: ProfileForm, current: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "listed": bool(form.listed.data),
        "description": field_text(form.description).strip(),
        "website": field_text(form.website).strip(),
        "logo_key": None if form.remove_logo.data else current["logo_key"],
    }
    for name in ProfileForm.LISTS:
        values[name] = list(form[name].data or [])
    return values


@bp.route("/profile", methods=["GET", "POST"])
@accepts(files=("logo",))
@partner_admin_required
def edit() -> Any:
    """The organisation's directory profile: edit it and send the change to staff."""
    org = _org()
    program = current_content().program
    profile = profiles.profile_of(org.id)
    pending = profiles.pending_change(org.id)
    current = pending.proposed if pending is not None else profiles.published_values(profile)
    form = ProfileForm(data=None if request.method == "POST" else current)
    form.set_program(program)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            values = _form_values(form, current)
            upload = form.logo.data
            try:
                if isinstance(upload, FileStorage) and upload.filename:
                    values["logo_key"] = logos.store_logo(
                        logos.clean_logo(logos.read_limited(upload.stream))
                    )
            except logos.LogoRefused as refused:
                form.logo.errors = [str(refused)]
            except kits.StorageUnavailable:
                current_app.logger.exception("storing a directory logo failed")
                form.logo.errors = ["The logo could not be stored just now; try again later."]
            else:
                profiles.propose(org, current_user, values)
                db.session.commit()
                flash(
                    "Thank you: the partner team reviews your profile before it goes live.",
                    "success",
                )
                return redirect(url_for("directory_partner.edit"))
        status = 422
    return render_template(
        "directory/edit.html",
        form=form,
        withdraw_form=WithdrawForm(),
        profile=profile,
        pending=pending,
        decision=profiles.last_decision(org.id),
        pending_diff=profiles.diff(profile, pending, program) if pending is not None else [],
        logo_key=current["logo_key"],
    ), status


@bp.post("/profile/withdraw")
@partner_admin_required
def withdraw() -> Response:
    """Leave the public directory at once (no approval needed)."""
    form = WithdrawForm()
    if form.validate_on_submit() and profiles.withdraw(_org(), current_user):
        db.session.commit()
        flash("Your organisation is no longer listed in the public directory.", "success")
    return redirect(url_for("directory_partner.edit"))


@bp.get("/profile/logo")
@partner_admin_required
def own_logo() -> Response:
    """The logo of the profile as published or waiting for approval (the admin's preview)."""
    org = _org()
    pending = profiles.pending_change(org.id)
    key = (pending.proposed if pending else profiles.published_values(profiles.profile_of(org.id)))[
        "logo_key"
    ]
    data = logos.read_logo(key) if key else None
    if data is None:
        abort(404)
    return logos.logo_response(data, cache_seconds=0)


@bp.get("/contacts")
@partner_admin_required
def contacts() -> str:
    """Messages visitors sent through the directory, newest first."""
    org = _org()
    after = parse_id(request.args.get("after"))
    page = contact.contacts_page(org.id, after)
    return render_template("directory/contacts.html", page=page, countries=_country_names())


def _country_names() -> dict[str, str]:
    return {c.id: c.name for c in current_content().program.directory.countries}


@bp.get("/contacts.csv")
@partner_admin_required
def contacts_csv() -> Response:
    """Every contact message as CSV (cells guarded against spreadsheet formulas)."""
    org = _org()
    countries = _country_names()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Received (UTC)", "Name", "Company", "E-mail", "Country", "Message"])
    for item in contact.all_contacts(org.id):
        writer.writerow(
            [
                item.created_at.strftime("%Y-%m-%d %H:%M"),
                *(guard_cell(v) for v in (item.name, item.company, item.email)),
                guard_cell(countries.get(item.country, item.country)),
                guard_cell(item.message),
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="directory-contacts.csv"'},
    )


@bp.get("/contacts/<id:contact_id>")
@partner_admin_required
def contact_detail(contact_id: int) -> str:
    """One message; another organisation's is not found."""
    item = contact.contact_of(_org().id, contact_id)
    if item is None:
        abort(404)
    return render_template("directory/contact.html", item=item, countries=_country_names())
