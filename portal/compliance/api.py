"""The compliance feature's public door: the partner agreement's acceptances and the
compliance documents on file.

Onboarding reads `org_accepted_agreement` for its `agreement` step and
`org_documents_current` for its `compliance_documents` step; the staff organisation page
reads `agreement_state`, `acceptance_history` and `document_states`; the reporting layer's
`compliance_current` tier criterion reads `orgs_documents_current`. Accepting, uploading and
reviewing happen on the compliance feature's own pages.
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
from portal.compliance.documents import (
    DocumentState,
    document_states,
    org_documents_current,
    orgs_documents_current,
)

__all__ = [
    "Acceptance",
    "AgreementState",
    "DocumentState",
    "acceptance_history",
    "agreement_state",
    "document_states",
    "latest_acceptances",
    "org_accepted_agreement",
    "org_documents_current",
    "orgs_documents_current",
]
