"""Onboarding feature: the checklist per partner type and partner activation."""

from __future__ import annotations

from flask import Flask

from portal.signals import (
    agreement_accepted,
    certification_issued,
    compliance_document_approved,
    kit_downloaded,
    referral_submitted,
)


def init_app(app: Flask) -> None:
    """Register the blueprint and listen for progress in other features (portal/signals.py)."""
    from portal.onboarding import receivers, views

    app.register_blueprint(views.bp)
    # A module-level receiver: blinker keeps one connection however many apps are created.
    certification_issued.connect(receivers.on_certification_issued)
    referral_submitted.connect(receivers.refresh_after_progress)
    kit_downloaded.connect(receivers.refresh_after_progress)
    agreement_accepted.connect(receivers.refresh_after_progress)
    compliance_document_approved.connect(receivers.refresh_after_progress)
