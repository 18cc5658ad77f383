"""Every feature's models, imported in one place so the metadata (and Alembic) sees them all."""

from portal.accounts.models import Invite, Organization, PasswordReset, User
from portal.api.models import ApiIdempotencyKey, ApiToken
from portal.audit.models import ActivityEvent, AuditEntry
from portal.comarketing.models import ComarketingDecision, ComarketingPiece, ComarketingVersion
from portal.compliance.models import (
    AgreementAcceptance,
    AgreementReminder,
    ComplianceDocument,
    ComplianceDocumentReminder,
)
from portal.directory.models import DirectoryContact, DirectoryProfile, DirectoryProfileChange
from portal.insights.models import InsightSnapshot
from portal.leads.models import Lead, LeadCap, LeadIndustry, LeadOffer
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.mdf.models import MdfAllocation, MdfClaim, MdfClaimReferral, MdfProof, MdfRequest
from portal.notify.models import OutboxMessage
from portal.onboarding.models import ChecklistProgress
from portal.questions.models import PartnerQuestion, QuestionMessage
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    CompanyRegistration,
    Customer,
    Referral,
    ReferralEvent,
)
from portal.scorecard import indexes as _scorecard_indexes  # noqa: F401  (indexes on these tables)
from portal.scorecard.models import ProgramQuarter
from portal.sso.models import SsoDomain, SsoIdentity, SsoProvider
from portal.staff.models import Meeting
from portal.tiers import indexes as _tier_indexes  # noqa: F401  (an index on referrals)
from portal.tiers.models import (
    AttestedFactRecord,
    TierEvaluationRun,
    TierHistoryEntry,
    TierReview,
    TierStatus,
)
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ActivityEvent",
    "AgreementAcceptance",
    "AgreementReminder",
    "ApiIdempotencyKey",
    "ApiToken",
    "AttestedFactRecord",
    "AuditEntry",
    "Certification",
    "ChecklistProgress",
    "ComarketingDecision",
    "ComarketingPiece",
    "ComarketingVersion",
    "Commission",
    "CommissionDispute",
    "CompanyRegistration",
    "ComplianceDocument",
    "ComplianceDocumentReminder",
    "Customer",
    "DirectoryContact",
    "DirectoryProfile",
    "DirectoryProfileChange",
    "InsightSnapshot",
    "Invite",
    "Lead",
    "LeadCap",
    "LeadIndustry",
    "LeadOffer",
    "MdfAllocation",
    "MdfClaim",
    "MdfClaimReferral",
    "MdfProof",
    "MdfRequest",
    "Meeting",
    "ModuleCompletion",
    "Organization",
    "OutboxMessage",
    "PartnerQuestion",
    "PasswordReset",
    "ProgramQuarter",
    "QuestionMessage",
    "QuizAttempt",
    "Referral",
    "ReferralEvent",
    "SsoDomain",
    "SsoIdentity",
    "SsoProvider",
    "TierEvaluationRun",
    "TierHistoryEntry",
    "TierReview",
    "TierStatus",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
