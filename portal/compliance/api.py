"""The compliance feature's public door: the partner agreement's acceptances.

Onboarding reads `org_accepted_agreement` for its `agreement` step; the staff organisation
page reads `agreement_state` and `acceptance_history`. Accepting happens on the compliance
feature's own pages (portal/compliance/views.py).
"""

from __future__ import annotations

from portal.compliance.agreement import (
    Acceptance,
    AgreementState,
    acceptance_history,
    agreement_state,
    latest_acceptances,
    org_accepted_agreement,
)

__all__ = [
    "Acceptance",
    "AgreementState",
    "acceptance_history",
    "agreement_state",
    "latest_acceptances",
    "org_accepted_agreement",
]
