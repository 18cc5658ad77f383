"""Certificate views on the learning blueprint: the holder's list and printable page,
claiming a certificate for a complete path, public verification, revocation by staff.

Their URLs (and the `certification_status` template filter) are in `blueprint.py`."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import (
    login_required,
    partner_required,
    public,
    scoped_to_org,
    staff_required,
)
from portal.accounts.models import Organization
from portal.content_runtime import current_brand, current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.form_fields import field_text
from portal.http import shared_cache
from portal.learning import certificates
from portal.learning.certificate_media import (
    badge_face,
    badge_is_valid,
    share_links,
    verification_qr,
)
from portal.learning.forms import RevokeForm
from portal.learning.models import Certification
from portal.learning.views import path_or_404
from portal.urls import absolute_url


def certification_status_filter(cert: Certification) -> str:
    """A certification's status now: valid, expired or revoked."""
    return certificates.certification_status(cert, utcnow())


@partner_required
def certificates_index():
    """The signed-in partner's certifications with their status."""
    held = certificates.certifications_for_user(current_user.id)
    return render_template("learning/certificates.html", certifications=held)


@login_required
def certificate(cert_id: int):
    """A printable certificate: for its holder (and staff); anyone else gets 404."""
    cert = _scoped_certification(cert_id)
    if cert is None or (cert.user_id != current_user.id and not current_user.is_staff):
        abort(404)
    org = db.session.get(Organization, cert.organization_id) if cert.organization_id else None
    verify_url = absolute_url("learning.verify", code=cert.code)
    return render_template(
        "learning/certificate.html",
        cert=cert,
        organization=org,
        path_title=_path_title(cert),
        status=certificates.certification_status(cert, utcnow()),
        verify_url=verify_url,
        qr=verification_qr(verify_url),
    )


@partner_required
def claim_certificate(path_id: str):
    """Issue the certificate of a path whose every module is passed, when none is held."""
    learning_path = path_or_404(path_id)
    try:
        cert = certificates.claim_certification(current_user, learning_path)
    except certificates.CertificationError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("learning.path", path_id=learning_path.id), code=303)
    db.session.commit()
    flash(f"You earned the {cert.certificate_name} certificate.", "success")
    return redirect(url_for("learning.certificate", cert_id=cert.id), code=303)


@public
def verify(code: str):
    """Public verification: valid, expired, revoked or unknown (404)."""
    cert = certificates.certification_by_code(code)
    if cert is None:
        return render_template("learning/verify.html", cert=None, code=code), 404
    status = certificates.certification_status(cert, utcnow())
    verify_url = absolute_url("learning.verify", code=cert.code)
    valid = badge_is_valid(status)
    return render_template(
        "learning/verify.html",
        cert=cert,
        code=code,
        status=status,
        path_title=_path_title(cert),
        verify_url=verify_url,
        badge_url=absolute_url("learning.badge", code=cert.code) if valid else None,
        share=share_links(cert, verify_url, current_brand().name) if valid else None,
    )


BADGE_MAX_AGE = 300  # a revocation shows on copies of the badge within five minutes
# The badge's own address may be opened as a document: nothing in it may run or load.
BADGE_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@shared_cache
@public
def badge(code: str):
    """The shareable badge image: the brand's "verified" badge only while the certificate is
    valid, a grey "not valid" one once it has expired or was revoked; unknown codes 404."""
    cert = certificates.certification_by_code(code)
    if cert is None:
        abort(404)
    status = certificates.certification_status(cert, utcnow())
    face = badge_face(cert, status, current_brand())
    body = render_template("learning/badge.svg", **face)
    response = Response(body, mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = BADGE_MAX_AGE
    response.headers["Content-Security-Policy"] = BADGE_POLICY
    return response


def _path_title(cert: Certification) -> str | None:
    """The title of the learning path the certificate is for, while content still has it."""
    path = current_content().paths.get(cert.path_id)
    return path.title if path is not None else None


@staff_required
def revoke(cert_id: int):
    """Revoke a certification with a reason (audited), then back to its organisation."""
    cert = _scoped_certification(cert_id)
    if cert is None:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke(cert, current_user, field_text(form.reason))
        except certificates.CertificationError as refused:
            form.reason.errors = [*form.reason.errors, str(refused)]
        else:
            db.session.commit()
            flash(f"The certification “{cert.certificate_name}” was revoked.", "success")
            if cert.organization_id is None:
                return redirect(url_for("staff.orgs"), code=303)
            return redirect(url_for("staff.org", org_id=cert.organization_id), code=303)
    return render_template("learning/revoke.html", cert=cert, form=form), 422


def _scoped_certification(cert_id: int) -> Certification | None:
    """The certification if it belongs to the user's organisation (staff: any), else None."""
    stmt = sa.select(Certification).where(Certification.id == cert_id)
    return db.session.scalar(scoped_to_org(stmt, Certification.organization_id, current_user))
