"""Receivers for other features' signals: they keep computed steps and activation current.

Which feature sends what, and which receiver answers it: portal/signals.py.
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Organization
from portal.content_runtime import current_content
from portal.extensions import db
from portal.onboarding.service import refresh_activation


def on_certification_issued(sender: object, organization_id: int | None = None, **_: Any) -> None:
    """A certificate may finish a `learning_path` step: activate the organisation if complete.

    Only adds to the session; the learning view that issued the certificate commits.
    The system acts here, so the audit entry has no actor.
    """
    if organization_id is None:
        return
    org = db.session.get(Organization, organization_id)
    if org is not None:
        refresh_activation(org, None, current_content())


def refresh_after_progress(sender: object, organization_id: int | None = None, **_: Any) -> None:
    """A referral submitted, a kit downloaded, the agreement accepted or a compliance document
    approved may finish a computed step (`first_referral`, `kit_download`, `agreement`,
    `compliance_documents`): activate the organisation if its checklist is complete.

    Only adds to the session; the view that sent the signal commits.
    """
    if organization_id is None:
        return
    org = db.session.get(Organization, organization_id)
    if org is not None:
        refresh_activation(org, None, current_content())
