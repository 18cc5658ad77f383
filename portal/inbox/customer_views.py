"""The customer list staff keep: upload as CSV, add, remove."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from portal.accounts.access import staff_required
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import accepts, render_page
from portal.inbox.customer_forms import (
    CustomerForm,
    CustomerUploadForm,
    RemoveCustomerForm,
    size_text,
    too_large_message,
)
from portal.inbox.customers import list_customers
from portal.referrals import api as referrals
from portal.referrals.api import CUSTOMER_NAME_MAX

bp = Blueprint("customers", __name__, url_prefix="/inbox/customers")

NOT_UTF8 = (
    "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
)
# Room in an upload's body for what surrounds the file: multipart boundaries, part headers and
# the CSRF token. A file that fits its limit always fits the body limit.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Werkzeug reads a multipart body in chunks of this size and refuses a chunk larger than the
# form-memory limit, file data included: a file of more than one chunk needs room for two.
MULTIPART_CHUNK_BYTES = 64 * 1024


def allow_a_customer_file() -> None:
    """Staff may send a customer file up to CUSTOMER_IMPORT_MAX_BYTES, more than other forms.

    An app-wide before-request hook that must run before the CSRF check, which reads the body
    against MAX_CONTENT_LENGTH and MAX_FORM_MEMORY_SIZE (see `portal.inbox.init_app`).
    Everyone else keeps those limits.
    """
    if not (
        request.endpoint == "customers.upload"
        and current_user.is_authenticated
        and current_user.is_staff
    ):
        return
    body_limit = request.max_content_length
    if body_limit is not None:
        request.max_content_length = max(body_limit, _file_limit() + UPLOAD_OVERHEAD_BYTES)
    form_limit = request.max_form_memory_size
    if form_limit is not None:
        request.max_form_memory_size = max(form_limit, 2 * MULTIPART_CHUNK_BYTES)


@bp.get("", endpoint="index")
@staff_required
def index():
    """The customer list: search, page by domain, add one, upload a CSV."""
    return _index_page()


@bp.post("", endpoint="add")
@staff_required
def add():
    """Put one company on the customer list."""
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            domain, added = referrals.add_customer(
                field_text(form.name), field_text(form.website_or_domain), current_user
            )
        except referrals.CustomerRefused as refused:
            form.website_or_domain.errors = [*form.website_or_domain.errors, str(refused)]
        else:
            db.session.commit()
            if added:
                flash(f"{domain} is now on the customer list.", "success")
            else:
                flash(f"{domain} was already on the customer list.")
            return redirect(url_for("customers.index"))
    return _index_page(status=422, add_form=form)


@bp.post("/upload", endpoint="upload")
@accepts(files=("file",))
@staff_required
def upload():
    """Import customers from a CSV file: all rows or, when any row has a problem, none."""
    form = CustomerUploadForm()
    if not form.validate_on_submit():
        return _index_page(status=422, upload_form=form)
    storage = form.file.data
    filename = PurePath(storage.filename or "upload.csv").name[:100]
    limit = _file_limit()
    data = storage.read(limit + 1)
    if len(data) > limit:
        form.file.errors.append(too_large_message(limit))
        return _index_page(status=422, upload_form=form)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors.append(NOT_UTF8)
        return _index_page(status=422, upload_form=form)
    result = referrals.import_customers_csv(text, filename, current_user)
    if result.problems:
        db.session.rollback()
        form.file.errors.append(_nothing_imported(result.problem_count))
        return _index_page(status=422, upload_form=form, problems=result.problems)
    db.session.commit()
    current_app.logger.info(
        "customer import %s: %d added, %d skipped; parse %.2f s, write %.2f s",
        filename,
        result.added,
        result.skipped_existing,
        result.parse_seconds,
        result.write_seconds,
    )
    flash(
        f"Imported {filename}: {result.added} added, "
        f"{result.skipped_existing} already on the list or repeated.",
        "success",
    )
    return redirect(url_for("customers.index"))


@bp.post("/<id:customer_id>/delete", endpoint="remove")
@staff_required
def remove(customer_id: int):
    """Take a customer off the list."""
    form = RemoveCustomerForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for("customers.index"))
    removed = referrals.remove_customer(customer_id, current_user)
    if removed is None:
        flash("That customer was no longer on the list.")
    else:
        db.session.commit()
        flash(f"{removed.domain} was removed from the customer list.", "success")
    return redirect(url_for("customers.index"))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A body over its limit: the list again, the message beside the file field.

    CSRF protection reads the body before the access check runs, so check access here too.
    """
    db.session.rollback()  # as every error page does (portal/errors.py): nothing half-written
    if not (current_user.is_authenticated and current_user.is_staff):
        return render_template("error.html", error=error), 413
    form = CustomerUploadForm(formdata=None)
    form.file.errors = [too_large_message(_file_limit())]
    return _index_page(status=413, upload_form=form)


def _file_limit() -> int:
    return int(current_app.config["CUSTOMER_IMPORT_MAX_BYTES"])


def _nothing_imported(problem_count: int) -> str:
    problems = "1 problem" if problem_count == 1 else f"{problem_count:,} problems"
    return (
        f"Nothing was imported: the file has {problems}, listed below. "
        "Correct the file and upload it again."
    )


def _index_page(status: int = 200, **forms: Any):
    q = request.args.get("q", "").strip()[:CUSTOMER_NAME_MAX]
    return render_page(
        "inbox/customers.html",
        "results",
        status=status,
        page=list_customers(q, request.args.get("after") or None),
        q=q,
        add_form=forms.get("add_form") or CustomerForm(formdata=None),
        upload_form=forms.get("upload_form") or CustomerUploadForm(formdata=None),
        upload_limit=size_text(_file_limit()),
        problems=forms.get("problems", ()),
    )
