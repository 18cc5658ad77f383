"""The public partner directory: the list, a profile with its contact form, logos, sitemap.

No sign-in. Only listed partners exist here (listing.listed): an organisation that did not
opt in, is not active or was never approved answers the same 404 as a name nobody has, with
`X-Robots-Tag: noindex`, so nothing about it leaks and search engines drop it.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_limiter.util import get_remote_address

from portal.accounts.access import public
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.directory import contact, listing, logos
from portal.directory.forms import ContactForm, DirectoryFilterForm
from portal.directory.presentation import named_lists, render_description, summary
from portal.directory.sitemap import sitemap_body, sitemap_cache
from portal.extensions import db, limiter
from portal.form_fields import field_text
from portal.http import render_page, shared_cache
from portal.kits import api as kits
from portal.urls import absolute_url

bp = Blueprint("directory", __name__)

LOGO_CACHE_SECONDS = 24 * 3600


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _contact_limit() -> str:
    return current_app.config["DIRECTORY_CONTACT_RATE_LIMIT"]


def _contact_key() -> str:
    return f"directory-contact:{get_remote_address()}"


@bp.after_request
def _noindex_missing(response: Response) -> Response:
    """Nothing that is not a listed partner's page may be indexed."""
    if response.status_code == 404:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _paths() -> list[tuple[str, str]]:
    return [(p.id, p.title) for p in current_content().paths.values()]


@bp.get("/partners")
@public
def index() -> Response:
    """Find a partner: search, filters, and the list in the documented order."""
    program = current_content().program
    form = DirectoryFilterForm(formdata=request.args)
    form.set_program(program, _paths())
    form.validate()
    filters = form.applied(*DirectoryFilterForm.FILTERS)
    page, total = listing.search(program, filters, after=form.value("after"))
    return render_page(
        "directory/index.html",
        "results",
        status=form.status_code,
        form=form,
        page=page,
        total=total,
        filters=filters,
        program=program,
        summaries={
            item.profile.organization_id: summary(item.profile.description) for item in page.rows
        },
        canonical=absolute_url("directory.index"),
    )


def _profile_page(
    slug: str, form: ContactForm | None = None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    program = current_content().program
    item = listing.listing_by_slug(slug)
    if item is None:
        abort(404)
    if form is None:
        form = ContactForm()
        form.set_program(program)
    form.started.data = contact.fill_token(_secret(), slug)
    profile = item.profile
    paths = dict(_paths())
    body = render_template(
        "directory/profile.html",
        item=item,
        profile=profile,
        program=program,
        lists=named_lists(profile, program),
        description=render_description(profile.description),
        summary=summary(profile.description),
        certified=[
            (paths.get(path, path), people) for path, people in profile.certified_by_path.items()
        ],
        form=form,
        canonical=absolute_url("directory.profile", slug=profile.slug),
        logo_url=absolute_url(
            "directory.logo", slug=profile.slug, v=_logo_version(profile.logo_key)
        )
        if profile.logo_key
        else None,
        **extra,
    )
    return body, status


def _logo_version(key: str | None) -> str:
    return (key or "").rsplit("/", 1)[-1][:12]


@bp.get("/partners/<slug>")
@public
def profile(slug: str) -> tuple[str, int]:
    """A listed partner's profile and its "Contact this partner" form."""
    return _profile_page(slug)


@bp.post("/partners/<slug>/contact")
@public
@limiter.limit(_contact_limit, key_func=_contact_key)
def send_contact(slug: str) -> Any:
    """Pass a visitor's message to the partner, after the checks in contact.py."""
    program = current_content().program
    item = listing.listing_by_slug(slug)
    if item is None:
        abort(404)
    form = ContactForm()
    form.set_program(program)
    if not form.validate_on_submit():
        return _profile_page(slug, form, 422)
    try:
        if contact.honeypot_filled(form.nickname.data):
            raise contact.ContactRefused(contact.REFUSED)
        nonce = contact.check_fill_time(
            _secret(),
            slug,
            form.started.data or "",
            current_app.config["DIRECTORY_CONTACT_MIN_SECONDS"],
            utcnow(),
        )
        contact.accept_contact(
            item.profile.organization_id,
            contact.ContactInput(
                name=field_text(form.name),
                company=field_text(form.company),
                email=field_text(form.email),
                country=form.country.data or "",
                message=field_text(form.message),
            ),
            current_app.config["DIRECTORY_CONTACT_DAILY_CAP"],
            utcnow(),
            form_nonce=nonce,
        )
    except contact.ContactRefused as refused:
        db.session.rollback()
        return _profile_page(slug, form, 429, refused=str(refused))
    db.session.commit()
    return render_template(
        "directory/sent.html", item=item, back=url_for("directory.profile", slug=slug)
    )


@bp.get("/partners/<slug>/logo.png")
@shared_cache
@public
def logo(slug: str) -> Response:
    """A listed partner's logo (a PNG we made), cached by browsers and proxies for a day."""
    item = listing.listing_by_slug(slug)
    if item is None or not item.profile.logo_key:
        abort(404)
    try:
        data = logos.read_logo(item.profile.logo_key)
    except kits.StorageUnavailable:
        abort(503)
    if data is None:
        abort(404)
    return logos.logo_response(data, LOGO_CACHE_SECONDS)


@bp.get("/sitemap.xml")
@shared_cache
@public
def sitemap() -> Response:
    """The directory's pages for search engines: the list and every listed partner (one
    query, at most once per DIRECTORY_SITEMAP_CACHE_SECONDS per worker; a crawler
    revalidating with the ETag gets a 304 while nothing changed)."""
    body, etag = sitemap_cache(current_app).get(time.monotonic(), _sitemap_now)
    response = Response(body, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.set_etag(etag)
    response.make_conditional(request)  # a matching If-None-Match: 304, body dropped
    return response


def _sitemap_now() -> str:
    marker = "slug-placeholder"
    profile_prefix = absolute_url("directory.profile", slug=marker).removesuffix(marker)
    return sitemap_body(absolute_url("directory.index"), profile_prefix, listing.listed_pages())
