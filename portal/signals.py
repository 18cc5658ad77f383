"""Signals: where one feature tells onboarding that progress happened. All of them, here.

(Compliance joins learning, kits and referrals below: onboarding reads its door for the
`agreement` step, so it tells onboarding of an acceptance by signal too.)

Onboarding's checklist reads learning, kits and referrals through their public functions
(`org_has_valid_certification`, `org_has_kit_download`, `org_has_referral`), so onboarding
imports them. Those features cannot call onboarding back without an import cycle, and should
not know what onboarding does with their news; so they send a signal and onboarding listens.
These signals are the only ones; nothing else in the portal uses blinker.

`certification_issued(None, organization_id, user, path_id)`
    sent by   portal.learning.certificates.issue_certification_if_complete, once the new
              certification is flushed
    received  portal.onboarding.receivers.on_certification_issued (a `learning_path` step)
`referral_submitted(None, organization_id, referral)`
    sent by   portal.referrals.service.submit_referral, once a new referral is flushed (not
              for a repeated submission of the same form)
    received  portal.onboarding.receivers.refresh_after_progress (a `first_referral` step)
`kit_downloaded(None, organization_id, user, kit_id, file)`
    sent by   portal.kits.service.record_download, once the download event is added
    received  portal.onboarding.receivers.refresh_after_progress (a `kit_download` step)
`agreement_accepted(None, organization_id, user, version)`
    sent by   portal.compliance.agreement.accept_agreement, once the acceptance is inserted
    received  portal.onboarding.receivers.refresh_after_progress (an `agreement` step)
`compliance_document_approved(None, organization_id, user, document_type)`
    sent by   portal.compliance.document_review.approve_document, once the approval is flushed
    received  portal.onboarding.receivers.refresh_after_progress (a `compliance_documents` step)

The sender is always None. The receivers are connected in `portal.onboarding.init_app`
(module-level functions: blinker keeps one connection however many apps are created). Each
receiver only adds to the session (a checklist step may now be done, so the organisation
may become active through `portal.accounts.api.activate_organization`); the sender's request
commits once, so the activation and its cause are written together or not at all. A receiver
runs synchronously inside `send`: an error in it fails the sender's request.

(Compliance's documents are the fifth: onboarding reads compliance's door for the
`compliance_documents` step too.)

`SENDERS` and `RECEIVERS` below say the same as data; tests/test_signals.py checks
that the code sends and connects exactly these, so this table cannot go stale.
"""

from __future__ import annotations

from blinker import Namespace

__all__ = [
    "RECEIVERS",
    "SENDERS",
    "agreement_accepted",
    "certification_issued",
    "compliance_document_approved",
    "kit_downloaded",
    "referral_submitted",
]

_signals = Namespace()

# send(None, organization_id=int | None, user=User, path_id=str)
certification_issued = _signals.signal("certification-issued")

# send(None, organization_id=int | None, referral=Referral)
referral_submitted = _signals.signal("referral-submitted")

# send(None, organization_id=int | None, user=User, kit_id=str, file=str)
kit_downloaded = _signals.signal("kit-downloaded")

# send(None, organization_id=int, user=User, version=int)
agreement_accepted = _signals.signal("agreement-accepted")

# send(None, organization_id=int, user=User, document_type=str)
compliance_document_approved = _signals.signal("compliance-document-approved")

# Signal name → the function that sends it / the functions connected to it.
SENDERS: dict[str, str] = {
    "certification-issued": "portal.learning.certificates.issue_certification_if_complete",
    "referral-submitted": "portal.referrals.service.submit_referral",
    "kit-downloaded": "portal.kits.service.record_download",
    "agreement-accepted": "portal.compliance.agreement.accept_agreement",
    "compliance-document-approved": "portal.compliance.document_review.approve_document",
}
RECEIVERS: dict[str, frozenset[str]] = {
    "certification-issued": frozenset({"portal.onboarding.receivers.on_certification_issued"}),
    "referral-submitted": frozenset({"portal.onboarding.receivers.refresh_after_progress"}),
    "kit-downloaded": frozenset({"portal.onboarding.receivers.refresh_after_progress"}),
    "agreement-accepted": frozenset({"portal.onboarding.receivers.refresh_after_progress"}),
    "compliance-document-approved": frozenset(
        {"portal.onboarding.receivers.refresh_after_progress"}
    ),
}
