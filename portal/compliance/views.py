"""The partner agreement page: read it, see who accepted which version, accept it (admins).

`/agreement` shows the agreement's newest version and the organisation's state to every
partner; only a partner admin gets the form, and `POST /agreement` refuses anyone else (403).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import partner_admin_required, partner_required
from portal.compliance import agreement as rules
from portal.compliance.forms import AcceptAgreementForm
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db

bp = Blueprint("compliance", __name__)


def _agreement_page(form: AcceptAgreementForm, status: int = 200):
    content = current_content()
    terms = content.program.agreement
    if terms is None:
        abort(404)
    org = current_user.organization
    return (
        render_template(
            "compliance/agreement.html",
            page=content.pages[terms.page_id],
            terms=terms,
            state=rules.agreement_state(org.id, terms, utcnow().date()),
            history=rules.acceptance_history(org.id),
            can_accept=rules.can_accept(current_user, org),
            form=form,
        ),
        status,
    )


@bp.get("/agreement")
@partner_required
def agreement():
    """The partner agreement's newest version and the organisation's acceptances."""
    terms = current_content().program.agreement
    form = AcceptAgreementForm(formdata=None)
    form.version.data = str(terms.version) if terms is not None else ""
    return _agreement_page(form)


@bp.post("/agreement")
@partner_admin_required
def accept():
    """A partner admin accepts the newest version for the organisation."""
    terms = current_content().program.agreement
    if terms is None:
        abort(404)
    form = AcceptAgreementForm()
    if not form.validate_on_submit():
        return _agreement_page(form, 400)
    shown = (form.version.data or "").strip()
    if shown and shown != str(terms.version):
        flash(
            f"The agreement changed while you read it: version {terms.version} is the one in "
            "force now. Read it, then accept again.",
            "error",
        )
        return redirect(url_for(".agreement"))
    try:
        recorded = rules.accept_agreement(
            current_user.organization, current_user, terms, form.signer_name.data or ""
        )
    except rules.AcceptanceRefused:
        abort(403)
    db.session.commit()
    if recorded:
        flash(f"You accepted version {terms.version} of the partner agreement.", "success")
    else:
        flash(f"Version {terms.version} was already accepted.", "info")
    return redirect(url_for(".agreement"))
