"""Receivers for other features' signals: they keep computed steps and activation current."""

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


def on_referral_submitted(sender: object, organization_id: int | None = None, **_: Any) -> None:
    """A first referral may finish a `first_referral` step: activate the organisation if complete.

    Only adds to the session; the referral view commits.
    """
    if organization_id is None:
        return
    org = db.session.get(Organization, organization_id)
    if org is not None:
        refresh_activation(org, None, current_content())


def on_kit_downloaded(sender: object, organization_id: int | None = None, **_: Any) -> None:
    """A first download may finish a `kit_download` step: activate the organisation if complete.

    Only adds to the session; the kits view commits.
    """
    if organization_id is None:
        return
    org = db.session.get(Organization, organization_id)
    if org is not None:
        refresh_activation(org, None, current_content())
