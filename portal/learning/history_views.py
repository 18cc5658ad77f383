"""Past quiz attempts as they were taken: a learner's own, and an organisation's for staff.

Both pages show each graded attempt's snapshot (portal.learning.history), never today's
content; the staff page also counts the organisation's attempts by content version.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from portal.accounts.access import partner_required, staff_required
from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.extensions import db
from portal.learning.history import attempts_by_content_version, graded_attempts


@partner_required
def history():
    """The signed-in learner's graded attempts, newest first, each as they saw it."""
    return render_template(
        "learning/history.html",
        attempts=graded_attempts(user_id=current_user.id),
        titles=_module_titles(),
        org=None,
        versions=(),
    )


@staff_required
def org_attempts(org_id: int):
    """An organisation's graded attempts, with the count of attempts by content version."""
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    return render_template(
        "learning/history.html",
        attempts=graded_attempts(organization_id=org.id),
        titles=_module_titles(),
        org=org,
        versions=attempts_by_content_version(org.id),
    )


def _module_titles() -> dict[tuple[str, str], str]:
    """(path id, module id) -> "Path: Module" for modules that still exist."""
    return {
        (path.id, module.id): f"{path.title}: {module.title}"
        for path in current_content().paths.values()
        for module in path.modules
    }
